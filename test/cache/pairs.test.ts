// The pair sets of this round through the eval command's own functions: no false hits on the new
// held-out set (holdout3, written before the WordNet changes) nor on dev3, none in cross-talk.
// Paraphrase recall there is under the 60 % goal (README) and is not asserted; typo and politeness are.
import { describe, expect, it } from 'vitest';
import { crosstalk, evaluatePairs, readPairs } from '../../scripts/commands/eval-cache';

describe('pair sets of the WordNet round', () => {
  it('holdout3: no false hits, typo and politeness recall >= 0.6, no cross-talk', async () => {
    const pairs = readPairs('data/cache-pairs/holdout3.jsonl');
    expect(pairs.length).toBeGreaterThanOrEqual(150);
    const r = await evaluatePairs(pairs, 0.75);
    expect(r.false_hits).toBe(0);
    for (const kind of ['typo', 'politeness']) expect(r.per_kind[kind].hit_recall, kind).toBeGreaterThanOrEqual(0.6);
    expect((await crosstalk(pairs, 0.75)).false_hits).toBe(0);
  }, 60_000);

  it('dev3: the substitution near misses stay misses', async () => {
    const r = await evaluatePairs(readPairs('data/cache-pairs/dev3.jsonl'), 0.75);
    expect(r.false_hits).toBe(0);
  }, 60_000);
});
