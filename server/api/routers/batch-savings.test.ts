import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../../batch/types';
import { batchSavings } from './batch-savings';

const item = (o: Partial<ItemResult>): ItemResult => ({
  line: 1, customId: null, status: 'done', tier: 'small', answeredBy: 'small', content: 'x', finishReason: 'stop',
  usage: { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 }, escalated: false, cached: false, costUsd: 0.0002, decisionId: null, error: null, ...o,
});
const large = { name: 'large', inputPricePerM: 10, outputPricePerM: 20 };

describe('batchSavings', () => {
  it('prices every answered item at the large tier and attributes cost to the answering tier', () => {
    const s = batchSavings(
      [
        item({}),
        item({ tier: 'small', answeredBy: 'medium', escalated: true, costUsd: 0.003 }),
        item({ tier: 'large', answeredBy: 'large', costUsd: 0.02 }),
        item({ status: 'failed', answeredBy: null, tier: null, usage: null, costUsd: 0, content: null, error: 'line 4: not valid JSON' }),
      ],
      large,
    );
    const onLarge = (1000 * 10 + 500 * 20) / 1e6;
    expect(s.largeTier).toBe('large');
    expect(s.costUsd).toBeCloseTo(0.0232, 12);
    expect(s.costIfLargeUsd).toBeCloseTo(3 * onLarge, 12);
    expect(s.savedUsd).toBeCloseTo(3 * onLarge - 0.0232, 12);
    expect(s.savedShare).toBeCloseTo((3 * onLarge - 0.0232) / (3 * onLarge), 12);
    expect(s.byTier.map((t) => [t.tier, t.items, t.done, t.failed])).toEqual([
      ['(none)', 1, 0, 1],
      ['large', 1, 1, 0],
      ['medium', 1, 1, 0],
      ['small', 1, 1, 0],
    ]);
    expect(s.byTier.find((t) => t.tier === 'large')!.costIfLargeUsd).toBeCloseTo(onLarge, 12);
  });

  it('has no baseline without a large tier or answered items', () => {
    expect(batchSavings([item({})], undefined)).toMatchObject({ largeTier: null, costIfLargeUsd: 0, savedShare: null });
    expect(batchSavings([], large)).toMatchObject({ costUsd: 0, costIfLargeUsd: 0, savedUsd: 0, savedShare: null, byTier: [] });
  });
});
