// `npm run cascade -- seed-demo`: fills the database with plausible, clearly synthetic decisions
// (source "simulation") over the last days, through the real recorder, so dashboards and the
// decisions explorer have something to show on a fresh install. The mix is reproducible for a given
// --seed; times end "now", so every run adds a new set (they are marked [demo] / source simulation).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { v7 } from 'uuid';
import type { Band } from '../../server/complexity/types';
import type { AttemptRecord, DecisionRecord } from '../../server/decisions/types';

export const description = 'record synthetic demo decisions [--days 14] [--count 20000] [--seed 1] [--url U]';

const USAGE = 'usage: npm run cascade -- seed-demo [--days N] [--count N] [--seed N] [--url URL]';

/** Prices per million tokens and latency model of the seeded simulated tiers. */
const TIERS = {
  small: { in: 0.1, out: 0.2, ttft: 120, tps: 180 },
  medium: { in: 0.6, out: 1.2, ttft: 300, tps: 90 },
  large: { in: 3, out: 15, ttft: 700, tps: 45 },
} as const;
type TierName = keyof typeof TIERS;
const BAND_MIX: [Band, number, TierName][] = [
  ['simple', 0.45, 'small'],
  ['moderate', 0.3, 'medium'],
  ['complex', 0.18, 'large'],
  ['research', 0.07, 'large'],
];
const TOPICS = ['refund policy', 'SQL join', 'quarterly forecast', 'Python regex', 'contract clause', 'cover letter', 'GDPR request', 'unit conversion'];

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cost(t: TierName, tin: number, tout: number): number {
  return (tin * TIERS[t].in + tout * TIERS[t].out) / 1e6;
}

export function demoDecision(r: () => number, at: Date): DecisionRecord {
  let x = r();
  const [band, , target] = BAND_MIX.find(([, p]) => (x -= p) < 0) ?? BAND_MIX[0];
  const tokensIn = Math.round(40 + r() * (band === 'research' ? 1500 : 400));
  const tokensOut = Math.round(60 + r() * (band === 'simple' ? 200 : 900));
  const cached = r() < 0.12;
  const escalate = !cached && target !== 'large' && r() < (target === 'small' ? 0.08 : 0.05);
  const chain: TierName[] = cached ? [] : escalate ? [target, target === 'small' ? 'medium' : 'large'] : [target];
  const failed = !cached && r() < 0.02;
  const attempts: AttemptRecord[] = chain.map((t, seq) => {
    const last = seq === chain.length - 1;
    const ttft = Math.round(TIERS[t].ttft * (0.6 + r()));
    const latency = ttft + Math.round((tokensOut / TIERS[t].tps) * 1000);
    return {
      seq, tierId: `sim-${t}`, tierName: t, step: 'answer', startedAt: at, latencyMs: latency, ttftMs: ttft, queueMs: Math.round(r() * 20),
      tokensIn, tokensOut: last ? tokensOut : Math.round(tokensOut / 3), costUsd: cost(t, tokensIn, last ? tokensOut : tokensOut / 3),
      outcome: !last ? 'bad_answer' : failed ? 'error' : 'ok', detail: !last ? 'simulated: answer failed the checks' : failed ? 'simulated upstream 503' : null,
    };
  });
  const topic = TOPICS[Math.floor(r() * TOPICS.length)];
  const prompt = `[demo] ${band} question about ${topic} #${Math.floor(r() * 1000)}`;
  return {
    id: v7({ msecs: at.getTime() }),
    createdAt: at,
    principalId: null,
    apiKeyId: `demo-key-${1 + Math.floor(r() * 3)}`,
    source: 'simulation',
    promptHash: createHash('sha256').update(prompt).digest('hex'),
    promptPreview: prompt,
    band,
    score: Math.min(1, Math.max(0, BAND_MIX.findIndex(([b]) => b === band) / 3 + (r() - 0.5) * 0.2)),
    probs: null,
    signals: { demo: true },
    policyVersion: 1,
    plan: { targets: chain },
    finalTier: cached ? null : chain[chain.length - 1],
    cacheStatus: cached ? (r() < 0.6 ? 'exact' : 'semantic') : 'miss',
    tokensIn,
    tokensOut,
    costUsd: attempts.reduce((s, a) => s + a.costUsd, 0),
    baselineCostUsd: cost('large', tokensIn, tokensOut),
    latencyMs: cached ? Math.round(5 + r() * 30) : attempts.reduce((s, a) => s + a.latencyMs, 0),
    ttftMs: cached ? null : attempts[0].ttftMs,
    status: failed ? 'error' : 'ok',
    errorCode: failed ? 'upstream_error' : null,
    escalations: Math.max(0, chain.length - 1),
    attempts,
  };
}

export async function run(argv: string[]): Promise<number> {
  let values: { days?: string; count?: string; seed?: string; url?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { days: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, url: { type: 'string' } }, strict: true }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const days = Number(values.days ?? 14);
  const count = Number(values.count ?? 20_000);
  const seed = Number(values.seed ?? 1);
  if (!(Number.isInteger(days) && days >= 1 && days <= 365 && Number.isInteger(count) && count >= 1 && count <= 5_000_000 && Number.isInteger(seed))) {
    process.stderr.write(`--days must be 1..365, --count 1..5000000, --seed an integer\n${USAGE}\n`);
    return 2;
  }
  const { connectDatabase } = await import('../../server/db/client');
  const { createRecorder } = await import('../../server/decisions/recorder');
  const db = await connectDatabase({ url: values.url });
  const rec = createRecorder({ url: db.url, spoolDir: mkdtempSync(join(tmpdir(), 'cascade-demo-spool-')), batchSize: 2000 });
  try {
    const r = rng(seed);
    const end = Date.now();
    const span = days * 86_400_000;
    for (let i = 0; i < count; i++) {
      // Evenly spread in time with jitter; busier during (UTC) working hours.
      let at = end - span + ((i + r()) / count) * span;
      const hour = new Date(at).getUTCHours();
      if ((hour < 7 || hour > 19) && r() < 0.5) at = end - span + r() * span;
      rec.record(demoDecision(r, new Date(Math.min(at, end))));
      if (i % 10_000 === 9_999) await rec.flush();
    }
    await rec.close();
    const s = rec.stats();
    process.stdout.write(`recorded ${s.written} demo decisions (${s.duplicates} already present, ${s.spooled} spooled, ${s.rejected} rejected) over ${days} days\n`);
    return s.rejected > 0 || s.spooled > 0 ? 1 : 0;
  } finally {
    await rec.close();
    await db.close();
  }
}
