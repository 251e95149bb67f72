// The verifier's first three checks run on the cheap gates before verifyPair (the cache's pre-check
// for templated traffic): they must name exactly the check verifyPair rejects with whenever that is
// length, script or number, and nothing otherwise; and a cache using them must decide every lookup
// as one without them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../embedding/local';
import { createCache, LOCAL_EMBEDDER_THRESHOLD } from './index';
import { earlyRejection, MAX_VERIFIED_WORDS, verifyPair, type VerifierCheck } from './verifier';

const dir = 'data/cache-pairs';
const pairs = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl'))
  .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim()))
  .map((l) => JSON.parse(l) as { a: string; b: string });

const ROUTER = ['What is the capital of France?', 'Translate "good morning" into Spanish.', 'How many days are there in a leap year?', 'What does HTTP status 404 mean?'];
const crafted: Array<[string, string]> = [
  ['Add 2 and 2', 'Add 2 and 3'],
  ['Add 2 and 2', 'Add 2'], // a multiset, not a set
  ['What is one plus 1?', 'What is 1 plus 1?'], // number words
  ['Is 1,000 more than 999?', 'Is 1000 more than 999?'],
  ['Round 3.50', 'Round 3.5'],
  ['Что такое 5?', 'What is 6?'], // script before number
  ['¿Qué es el 5 de mayo?', 'What is 5 de mayo?'],
  [`Summarise: ${'word '.repeat(MAX_VERIFIED_WORDS + 1)}1`, `Summarise: ${'word '.repeat(MAX_VERIFIED_WORDS + 1)}2`], // length first
  ...ROUTER.map((p, i): [string, string] => [`${p} (request ${i})`, `${p} (request ${i + 1000})`]),
  ...ROUTER.map((p, i): [string, string] => [`${p} (request ${i})`, `Could you please tell me: ${p} (request ${i})`]),
];

const FIRST_THREE: VerifierCheck[] = ['length', 'script', 'number'];

describe('earlyRejection', () => {
  it('names the check verifyPair rejects with when it is length, script or number, else nothing', () => {
    const all: Array<[string, string]> = [...pairs.flatMap((p): Array<[string, string]> => [[p.a, p.b], [p.b, p.a]]), ...crafted];
    // Across groups too: unrelated prompts differ in numbers and scripts more often.
    for (let i = 0; i + 7 < pairs.length; i += 7) all.push([pairs[i].a, pairs[i + 7].b]);
    // Gates first, before any full facts are memoised, so they are computed on their own.
    const early = all.map(([a, b]) => earlyRejection(a, b));
    const counts: Record<string, number> = {};
    all.forEach(([a, b], i) => {
      const v = verifyPair(a, b);
      const expected = !v.ok && FIRST_THREE.includes(v.check!) ? v.check! : null;
      expect(early[i], `${a} / ${b}`).toBe(expected);
      expect(earlyRejection(a, b), `${a} / ${b} (facts memoised)`).toBe(expected);
      counts[String(expected)] = (counts[String(expected)] ?? 0) + 1;
    });
    // Every branch is exercised.
    expect(counts.number).toBeGreaterThan(50);
    expect(counts.script).toBeGreaterThan(5);
    expect(counts.length).toBeGreaterThanOrEqual(1);
    expect(counts.null).toBeGreaterThan(500);
  });

  it('leaves every lookup decision and rejection count of the cache unchanged', async () => {
    const run = async (earlyChecks: boolean) => {
      const cache = await createCache({ embedder: new LocalEmbedder(), earlyChecks });
      const scope = { tenant: 't', systemPrompt: '', params: '{}' };
      const store = (prompt: string) => cache.store({ prompt, scope, answer: `answer to ${prompt}`, tierName: 'large', tierRank: 2, costUsd: 0.01, ttlSeconds: 0, decisionId: 'd' });
      const decisions: unknown[] = [];
      const lookup = async (prompt: string) => {
        const h = await cache.lookup({ prompt, scope, minTierRank: 0, threshold: LOCAL_EMBEDDER_THRESHOLD });
        decisions.push(h && [h.kind, h.answer, h.similarity, h.verifier]);
      };
      // Templated traffic, router-bench style: every lookup a miss, stored after.
      for (let i = 0; i < 400; i++) {
        const p = `${ROUTER[i % ROUTER.length]} (request ${i})`;
        await lookup(p);
        await store(p);
      }
      for (const p of pairs) await store(p.a);
      for (const p of pairs) await lookup(p.b);
      for (const [a, b] of crafted) {
        await store(a);
        await lookup(b);
      }
      const stats = cache.stats();
      await cache.close();
      return { decisions, stats };
    };
    const withEarly = await run(true);
    const without = await run(false);
    expect(withEarly.decisions).toEqual(without.decisions);
    expect(withEarly.stats).toEqual(without.stats);
    expect(withEarly.stats.semanticHits).toBeGreaterThan(100);
    expect(withEarly.stats.verifierRejections.number).toBeGreaterThan(1000);
  }, 60_000);
});
