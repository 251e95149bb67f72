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

// Sets written by helpers that saw no code or data: dev5 and dev6 were diagnosed while the courtesy
// and chat-spelling layers were built (before them: dev6 politeness 0.12, typo 0.26, one false hit);
// holdout4 was held out. holdout4's one false hit ("renew" / "replace" a licence: WordNet relates
// the verbs) predates that work and is counted, not hidden.
describe('pair sets written from the definitions alone', () => {
  it('dev6: courtesy in many styles and phone typing hit, near misses that look like them do not', async () => {
    const r = await evaluatePairs(readPairs('data/cache-pairs/dev6.jsonl'), 0.75);
    expect(r.false_hits).toBe(0);
    expect(r.per_kind.politeness.hit_recall).toBeGreaterThanOrEqual(0.7);
    expect(r.per_kind.typo.hit_recall).toBeGreaterThanOrEqual(0.55);
  }, 60_000);

  it('dev5 and holdout4: politeness >= 0.9, typo >= 0.85, at most the one known false hit', async () => {
    for (const [file, allowed] of [['dev5', 0], ['holdout4', 1]] as const) {
      const r = await evaluatePairs(readPairs(`data/cache-pairs/${file}.jsonl`), 0.75);
      expect(r.false_hits, file).toBeLessThanOrEqual(allowed);
      expect(r.per_kind.politeness.hit_recall, file).toBeGreaterThanOrEqual(0.9);
      expect(r.per_kind.typo.hit_recall, file).toBeGreaterThanOrEqual(0.85);
    }
  }, 60_000);
});
