import { describe, expect, it } from 'vitest';
import type { Assessment } from '../../complexity/types';
import { parseOutcomes, runEval, selectRows } from './run';

const models = { small: 's', medium: 'm', large: 'l' };
function line(id: string, split: string, s: number, m: number, l: number) {
  return JSON.stringify({ id, split, task: 't', prompt: `prompt ${id}`, outcomes: { s: { score: s, cost_usd: 1 }, m: { score: m, cost_usd: 3 }, l: { score: l, cost_usd: 10 } } });
}
const assess = (score: number): Assessment => ({
  band: 'simple', score, probs: { simple: 1, moderate: 0, complex: 0, research: 0 }, modelVersion: 't',
  signals: { keywords: [], lengthBucket: 'short', tokens: 1, sentences: 1, questions: 0, numberedParts: 0, hasCode: false, hasMath: false, multiPart: false, language: 'en', contextShare: 0, topFeatures: [], truncated: false },
});

describe('offline routing evaluation', () => {
  it('parses lines, reporting bad ones by number', () => {
    const { lines, errors } = parseOutcomes([line('a', 'test', 1, 1, 1), '{not json', '{"id":"x"}', ''].join('\n'));
    expect(lines).toHaveLength(1);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^line 2: /);
    expect(errors[1]).toBe('line 3: needs "prompt" and "outcomes"');
  });

  it('selects a split and skips rows missing a model', () => {
    const { lines } = parseOutcomes([line('a', 'test', 1, 1, 1), line('b', 'train', 1, 1, 1), JSON.stringify({ id: 'c', split: 'test', prompt: 'p', outcomes: { s: { score: 1, cost_usd: 1 } } })].join('\n'));
    expect(selectRows(lines, models, 'test')).toMatchObject({ rows: [{ id: 'a' }], skipped: 1 });
    expect(selectRows(lines, models, null).rows).toHaveLength(2);
  });

  it('a score that separates easy from hard prompts beats the random mix', () => {
    // 2 easy prompts (small is right), 1 medium-only, 1 large-only; scores rank them perfectly.
    const { lines } = parseOutcomes([line('e1', 'test', 1, 1, 1), line('e2', 'test', 1, 1, 1), line('m', 'test', 0, 1, 1), line('h', 'test', 0, 0, 1)].join('\n'));
    const { rows } = selectRows(lines, models, 'test');
    const r = runEval(rows, [0.1, 0.15, 0.5, 0.9].map(assess));
    expect(r.single).toMatchObject({ small: { quality: 0.5, costFraction: 0.1 }, large: { quality: 1, costFraction: 1 } });
    expect(r.oracle).toMatchObject({ quality: 1, cost: (1 + 1 + 3 + 10) / 4 });
    expect(r.cost_at_95).toBeCloseTo(15 / 40, 6);
    expect(r.best_at_95?.share).toEqual({ small: 0.5, medium: 0.25, large: 0.25 });
    expect(r.random.cost_at_95!).toBeGreaterThan(r.cost_at_95!);
    expect(r.apgr!).toBeGreaterThan(r.random.apgr!);
    expect(r.curve[0]).toMatchObject({ quality: 0.5 });
    expect(r.curve.at(-1)?.quality).toBe(1);
  });

  it('refines the sweep around the 95 % point to the exact cheapest setting', () => {
    // 100 prompts scored i/100; the top 41 only the large tier answers, the rest medium does.
    // 95 % of large quality needs 36 of them on large: cost (64·3 + 36·10) / 100 = 5.52 of 10.
    // The 41-quantile grid only offers 35 (short of 95 %) or 38 (0.566): refining finds 36.
    const text = Array.from({ length: 100 }, (_, i) => line(`p${i}`, 'test', 0, i >= 59 ? 0 : 1, 1)).join('\n');
    const { rows } = selectRows(parseOutcomes(text).lines, models, 'test');
    const r = runEval(rows, rows.map((_, i) => assess(i / 100)));
    expect(r.cost_at_95).toBeCloseTo(0.552, 6);
    expect(r.best_at_95?.share.large).toBeCloseTo(0.36, 6);
  });

  it('refuses to evaluate nothing', () => {
    expect(() => runEval([], [])).toThrow(/no rows/);
  });
});
