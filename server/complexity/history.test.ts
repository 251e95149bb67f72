// Historical pattern matching: the store finds similar past queries and their outcomes shift the score.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer, loadHistoryStore, MemoryHistoryStore } from './index';
import { historySignal, outcomesFromJsonl, defaultModelTiers } from './history';

// A 40-row-per-file copy of ../shared/data/outcomes (test/fixtures/outcomes/README.md): a clean checkout has no ../shared.
const OUTCOMES = join(process.cwd(), 'test', 'fixtures', 'outcomes');
let plain: Awaited<ReturnType<typeof createAnalyzer>>;
beforeAll(async () => {
  plain = await createAnalyzer();
});
afterAll(async () => {
  await plain.close();
});

const SIMILAR = [
  'How do I convert a list of strings to integers in Python?',
  'How can I convert a list of strings into integers in Python?',
  'Convert a Python list of strings to a list of integers',
  'What is the way to convert strings in a list to integers with Python?',
];
const QUERY = 'How do I convert a list of strings to ints in Python?';

async function withHistory(success: boolean) {
  const store = new MemoryHistoryStore(plain.featureParams);
  for (const t of SIMILAR) store.add(t, [{ tier: 'small', success }, { tier: 'large', success: true }]);
  store.add('Write a sonnet about the sea', [{ tier: 'small', success: true }]);
  const analyzer = await createAnalyzer({ history: store, historyK: 5 });
  const a = await analyzer.assess(QUERY);
  await analyzer.close();
  return a;
}

describe('history store', () => {
  it('finds the nearest past queries first', async () => {
    const store = new MemoryHistoryStore(plain.featureParams);
    store.add('Write a sonnet about the sea', [{ tier: 'small', success: true }]);
    SIMILAR.forEach((t) => store.add(t, [{ tier: 'small', success: true }]));
    const found = await store.neighbours(QUERY, 3);
    expect(found).toHaveLength(3);
    found.forEach((n) => expect(SIMILAR).toContain(n.text));
    expect(found[0].similarity).toBeGreaterThanOrEqual(found[2].similarity);
    expect(await store.neighbours('', 3)).toEqual([]);
  });

  it('failures of the small tier on similar queries raise the score, successes lower it', async () => {
    const base = await plain.assess(QUERY);
    const failed = await withHistory(false);
    const succeeded = await withHistory(true);
    expect(failed.signals.history?.smallSuccessRate).toBe(0);
    expect(succeeded.signals.history?.smallSuccessRate).toBe(1);
    expect(failed.signals.history!.shift).toBeGreaterThan(0);
    expect(succeeded.signals.history!.shift).toBeLessThan(0);
    expect(failed.score).toBeGreaterThan(base.score);
    expect(succeeded.score).toBeLessThan(base.score);
  });

  it('ignores neighbours that are not similar enough', () => {
    const h = historySignal([{ text: 'x', similarity: 0.05, outcomes: [{ tier: 'small', success: false }] }]);
    expect(h).toMatchObject({ neighbours: 0, shift: 0 });
  });

  it('loads the recorded outcomes and maps models to tiers by size', () => {
    const tiers = defaultModelTiers(OUTCOMES);
    expect(tiers['qwen2.5-7b-instruct']).toBe('medium');
    expect(tiers['llama3-70b-instruct']).toBe('large');
    expect(tiers['mixtral-8x7b-instruct-v0.1']).toBe('medium');
    const rows = outcomesFromJsonl(join(OUTCOMES, 'routellm-gsm8k.jsonl'), tiers, 20);
    expect(rows).toHaveLength(20);
    rows.forEach((r) => expect(r.outcomes.map((o) => o.tier)).toEqual(['medium', 'large']));
  });

  it('assesses with a store built from recorded outcomes', async () => {
    const store = loadHistoryStore(OUTCOMES, plain.featureParams, { limitPerFile: 40 });
    expect(store.size).toBe(120);
    const analyzer = await createAnalyzer({ history: store });
    // A paraphrase of the first GSM8K row in the recording.
    const a = await analyzer.assess("Janet's ducks lay 16 eggs per day. She eats three for breakfast and bakes muffins with four. She sells the rest at the farmers' market for $2 per egg. How much does she make every day?");
    await analyzer.close();
    expect(a.signals.history).toBeDefined();
    expect(a.signals.history!.neighbours).toBeGreaterThan(0);
    expect(Number.isFinite(a.score)).toBe(true);
  });
});
