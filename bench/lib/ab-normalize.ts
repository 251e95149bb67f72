// normalizeDecision of two trees in one process, alternating blocks of 2,000 distinct plan-sized
// records, CPU time per call (median of 20 blocks): robust to a loaded machine, which whole-server
// instruction counts were not for a change this small.
// `node --import tsx bench/lib/ab-normalize.ts BASE_TREE [AFTER_TREE=this tree]`
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [baseTree, afterTree = resolve(dirname(fileURLToPath(import.meta.url)), '../..')] = process.argv.slice(2);
if (!baseTree) throw new Error('usage: ab-normalize.ts BASE_TREE [AFTER_TREE]');
type Normalize = (d: never) => unknown;
const a = (await import(`${resolve(baseTree)}/server/decisions/normalize.ts`)).normalizeDecision as Normalize;
const b = (await import(`${resolve(afterTree)}/server/decisions/normalize.ts`)).normalizeDecision as Normalize;
const mk = (i: number) => ({
  id: '0193a5b2-7c4e-7a00-8000-000000000001', createdAt: new Date(), principalId: 'u1', apiKeyId: 'k1', source: 'api',
  promptHash: 'a'.repeat(64), promptPreview: `Explain what a hash table is in two sentences. (request ${i})`, band: 'simple', score: 0.12,
  probs: { simple: 0.81, moderate: 0.15, complex: 0.03, research: 0.01 },
  signals: { keywords: ['explain', 'hash'], lengthBucket: 'short', tokens: 12, sentences: 1, questions: 0, numberedParts: 0, hasCode: false, hasMath: false, multiPart: false, language: 'en', contextShare: 0, topFeatures: ['w:explain', 'w:hash', 'len:short', `c:${i}`], truncated: false },
  policyVersion: 3,
  plan: { kind: 'route', target: 'small', chain: ['small', 'medium', 'large'], reasons: [`score 0.12 below t1 0.35: small ${i}`, 'cache eligible'], band: 'simple', score: 0.12, escalation: { onEmpty: true, onRefusal: true } },
  finalTier: 'small', cacheStatus: 'miss', tokensIn: 20, tokensOut: 9, costUsd: 0.00004, baselineCostUsd: 0.0004, latencyMs: 23, ttftMs: 22, status: 'ok', errorCode: null, escalations: 0,
  attempts: [{ seq: 0, tierId: 't1', tierName: 'small', step: 'answer', startedAt: new Date(), latencyMs: 21, ttftMs: 21, queueMs: 0, tokensIn: 20, tokensOut: 9, costUsd: 0.00004, outcome: 'ok', detail: null }],
});
const recs = Array.from({ length: 2000 }, (_, i) => mk(i));
const res: Record<string, number[]> = { base: [], after: [] };
for (let round = 0; round < 20; round++) {
  for (const [name, f] of [['base', a], ['after', b]] as const) {
    const c0 = process.cpuUsage();
    for (const r of recs) f(r as never);
    const c = process.cpuUsage(c0);
    res[name].push((c.user + c.system) / recs.length);
  }
}
for (const [k, v] of Object.entries(res)) {
  v.sort((x, y) => x - y);
  console.log(k, 'median µs CPU per call', v[10].toFixed(2));
}
