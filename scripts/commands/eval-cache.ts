// `npm run cascade -- eval-cache --pairs FILE [--json] [--threshold T] [--show-errors] [--crosstalk] [--embedder local|use-lite] [--explain]`
// --explain adds `explain`: for every wrong pair, the embedder's cosine and every verifier check that
// fails (not just the first), and counts of those checks over missed positives and refused negatives.
// For each pair a fresh cache stores an answer for `a` and looks up `b`. Reports the false-hit rate
// (hits where same=false) and the hit recall (hits where same=true), overall and per kind.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createCache, LOCAL_EMBEDDER_THRESHOLD } from '../../server/cache/index';
import { LocalEmbedder } from '../../server/embedding/local';
import { cosine, type Embedder } from '../../server/embedding/types';
import { verifyPair } from '../../server/cache/verifier';
import { createEmbedder } from '../../server/embedding/index';

export const description = 'Measure the semantic cache on JSONL pairs {a,b,same,kind}: false_hit_rate, hit_recall';

const pairSchema = z.object({ a: z.string(), b: z.string(), same: z.boolean(), kind: z.string().optional() });
type Pair = z.infer<typeof pairSchema>;

interface Tally {
  pos: number;
  neg: number;
  hitsPos: number;
  hitsNeg: number;
}
const rate = (num: number, den: number) => (den === 0 ? null : Number((num / den).toFixed(4)));

/** Every failing verifier check of each pair, with the embedder's cosine (diagnosis: which check stops
 *  which paraphrases, and which near misses each check is the only one to stop). */
export async function explainPairs(pairs: Pair[], embedder: Embedder) {
  const rows: Array<{ kind: string; same: boolean; cosine: number; checks: string[]; reasons: string[]; a: string; b: string }> = [];
  const any: Record<string, Record<string, number>> = { positives: {}, negatives: {} };
  const sole: Record<string, Record<string, number>> = { positives: {}, negatives: {} };
  for (const p of pairs) {
    const [va, vb] = await embedder.embed([p.a, p.b]);
    const sim = cosine(va, vb);
    const v = verifyPair(p.a, p.b, { all: true, similarity: sim, swapMinSimilarity: embedder.swapMinSimilarity });
    const checks = [...new Set((v.failures ?? []).map((f) => f.check))];
    const side = p.same ? 'positives' : 'negatives';
    for (const c of checks) any[side][c] = (any[side][c] ?? 0) + 1;
    if (checks.length === 1) sole[side][checks[0]] = (sole[side][checks[0]] ?? 0) + 1;
    if (checks.length > 0 && p.same) rows.push({ kind: p.kind ?? 'unspecified', same: p.same, cosine: Number(sim.toFixed(3)), checks, reasons: (v.failures ?? []).map((f) => f.reason), a: p.a, b: p.b });
  }
  return { rejected_by_check: any, sole_rejecting_check: sole, rejected_positives: rows };
}

export async function evaluatePairs(pairs: Pair[], threshold: number, embedder: Embedder = new LocalEmbedder()) {
  const scope = { tenant: 'eval', systemPrompt: '', params: '' };
  const total: Tally = { pos: 0, neg: 0, hitsPos: 0, hitsNeg: 0 };
  const kinds = new Map<string, Tally>();
  const errors: Array<{ kind: string; same: boolean; a: string; b: string; hit: string }> = [];
  for (const p of pairs) {
    const cache = await createCache({ embedder, maxEntries: 10 });
    await cache.store({ prompt: p.a, scope, answer: 'stored answer', tierName: 'large', tierRank: 2, costUsd: 0.01, ttlSeconds: 3600, decisionId: 'eval' });
    const hit = await cache.lookup({ prompt: p.b, scope, minTierRank: 0, threshold });
    await cache.close();
    const k = p.kind ?? 'unspecified';
    const t = kinds.get(k) ?? { pos: 0, neg: 0, hitsPos: 0, hitsNeg: 0 };
    kinds.set(k, t);
    for (const x of [total, t]) {
      if (p.same) x.pos++;
      else x.neg++;
      if (hit && p.same) x.hitsPos++;
      if (hit && !p.same) x.hitsNeg++;
    }
    if (Boolean(hit) !== p.same) errors.push({ kind: k, same: p.same, a: p.a, b: p.b, hit: hit ? `${hit.kind} ${hit.similarity.toFixed(3)}` : 'miss' });
  }
  const per_kind = Object.fromEntries(
    [...kinds].map(([k, t]) => [k, { pairs: t.pos + t.neg, false_hit_rate: rate(t.hitsNeg, t.neg), hit_recall: rate(t.hitsPos, t.pos) }]),
  );
  return {
    pairs: pairs.length,
    threshold,
    embedder: embedder.id,
    false_hit_rate: rate(total.hitsNeg, total.neg),
    hit_recall: rate(total.hitsPos, total.pos),
    false_hits: total.hitsNeg,
    negatives: total.neg,
    positives: total.pos,
    per_kind,
    errors,
  };
}

/**
 * Cross-talk: one cache holds every prompt of the file; each prompt is looked up with its own entry
 * removed. A hit on a prompt outside its paraphrase group (transitive closure of same=true pairs)
 * is a false hit that the one-pair-at-a-time protocol cannot see (many candidates compete).
 */
export async function crosstalk(pairs: Pair[], threshold: number, embedder: Embedder = new LocalEmbedder()) {
  const scope = { tenant: 'crosstalk', systemPrompt: '', params: '' };
  const prompts = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const group = new Map<string, number>(prompts.map((p, i) => [p, i]));
  const find = (p: string): number => {
    let g = group.get(p)!;
    while (group.get(prompts[g]) !== g) g = group.get(prompts[g])!;
    return g;
  };
  for (const p of pairs) if (p.same) group.set(prompts[find(p.a)], find(p.b));
  const cache = await createCache({ embedder, maxEntries: prompts.length + 1 });
  const put = (p: string) => cache.store({ prompt: p, scope, answer: p, tierName: 'large', tierRank: 2, costUsd: 0, ttlSeconds: 0, decisionId: 'eval' });
  for (const p of prompts) await put(p);
  const falseHits: Array<{ prompt: string; served: string; similarity: number }> = [];
  for (const q of prompts) {
    const own = await cache.lookup({ prompt: q, scope, minTierRank: 0, threshold: Number.NaN });
    if (own) await cache.evict(own.entryId);
    const hit = await cache.lookup({ prompt: q, scope, minTierRank: 0, threshold });
    if (hit && find(hit.answer) !== find(q)) falseHits.push({ prompt: q, served: hit.answer, similarity: Number(hit.similarity.toFixed(3)) });
    await put(q);
  }
  await cache.close();
  return { prompts: prompts.length, false_hits: falseHits.length, false_hit_rate: rate(falseHits.length, prompts.length), examples: falseHits.slice(0, 20) };
}

export function readPairs(file: string): Pair[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const pairs: Pair[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new Error(`${file}:${i + 1}: not valid JSON`);
    }
    const parsed = pairSchema.safeParse(json);
    if (!parsed.success) throw new Error(`${file}:${i + 1}: expected {"a": string, "b": string, "same": boolean, "kind"?: string}`);
    pairs.push(parsed.data);
  });
  if (pairs.length === 0) throw new Error(`${file}: no pairs`);
  return pairs;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { pairs: { type: 'string' }, json: { type: 'boolean', default: false }, threshold: { type: 'string' }, 'show-errors': { type: 'boolean', default: false }, crosstalk: { type: 'boolean', default: false }, embedder: { type: 'string', default: 'local' }, explain: { type: 'boolean', default: false } },
  });
  if (!values.pairs) {
    process.stderr.write('usage: npm run cascade -- eval-cache --pairs FILE [--json] [--threshold 0.75] [--show-errors] [--crosstalk] [--embedder local|use-lite] [--explain]\n');
    return 2;
  }
  if (values.embedder !== 'local' && values.embedder !== 'use-lite') {
    process.stderr.write(`eval-cache: --embedder must be local or use-lite, got ${values.embedder}\n`);
    return 2;
  }
  const embedder = await createEmbedder([], values.embedder);
  // Each embedder has its own default threshold: cosines of a sentence model and of hashed n-grams live
  // on different scales. An embedder's measured floor (minThreshold) is its default, and the cache never
  // applies a lower threshold, so a --threshold below it measures the floor.
  const threshold = values.threshold === undefined ? (embedder.minThreshold ?? LOCAL_EMBEDDER_THRESHOLD) : Number(values.threshold);
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    process.stderr.write(`eval-cache: --threshold must be a number in 0..1, got ${values.threshold}\n`);
    return 2;
  }
  if (embedder.minThreshold !== undefined && threshold < embedder.minThreshold) {
    process.stderr.write(`eval-cache: ${embedder.id} is never used below its floor ${embedder.minThreshold}: --threshold ${threshold} measures ${embedder.minThreshold}\n`);
  }
  const pairs = readPairs(values.pairs);
  const { errors, ...report } = await evaluatePairs(pairs, threshold, embedder);
  const out = { ...report, ...(values['show-errors'] ? { errors } : {}), ...(values.crosstalk ? { crosstalk: await crosstalk(pairs, threshold, embedder) } : {}), ...(values.explain ? { explain: await explainPairs(pairs, embedder) } : {}) };
  await embedder.close?.();
  if (values.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    process.stdout.write(`false_hit_rate ${report.false_hit_rate} (${report.false_hits}/${report.negatives})  hit_recall ${report.hit_recall}  threshold ${threshold}\n`);
    for (const [k, v] of Object.entries(report.per_kind)) process.stdout.write(`  ${k.padEnd(28)} n=${String(v.pairs).padEnd(4)} false_hit_rate=${v.false_hit_rate ?? '-'}  hit_recall=${v.hit_recall ?? '-'}\n`);
    if (out.crosstalk) process.stdout.write(`crosstalk: ${out.crosstalk.false_hits} false hits among ${out.crosstalk.prompts} prompts\n${out.crosstalk.examples.map((e) => `  ${e.similarity} ${JSON.stringify(e.prompt)} -> ${JSON.stringify(e.served)}`).join('\n')}\n`);
    if (out.explain) {
      process.stdout.write(`verifier checks failing, any / sole: ${JSON.stringify(out.explain.rejected_by_check)} / ${JSON.stringify(out.explain.sole_rejecting_check)}\n`);
      for (const r of out.explain.rejected_positives) process.stdout.write(`  REJECTED [${r.kind}] cos ${r.cosine} ${r.reasons.join('; ')}  ${JSON.stringify(r.a)} -> ${JSON.stringify(r.b)}\n`);
    }
    if (values['show-errors']) for (const e of errors) process.stdout.write(`  ${e.same ? 'MISS ' : 'FALSE'} [${e.kind}] ${e.hit}  ${JSON.stringify(e.a)} -> ${JSON.stringify(e.b)}\n`);
  }
  return 0;
}
