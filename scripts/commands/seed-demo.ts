// `npm run cascade -- seed-demo`: fills the database with plausible, clearly synthetic decisions
// (source "simulation") over the last days, so dashboards and the decisions explorer have something
// to show on a fresh install, and benchmarks have 10 million rows to chew on. Rows go in with COPY
// (server/decisions/bulk-load.ts), one transaction per chunk with its rollups (hourly, daily, attempts), so rollups
// always match the rows. The mix is reproducible for a given --seed; times end "now" and ids are
// fresh, so every run adds a new set (marked [demo] / source simulation).
import { parseArgs } from 'node:util';
import { createHash } from 'node:crypto';
import { v7 } from 'uuid';
import type { Band } from '../../server/complexity/types';
import pg from 'pg';
import { mulberry32 } from '../../server/lib/random';
import { normalizeDecision, type StoredDecision } from '../../server/decisions/normalize';
import type { AttemptRecord, DecisionRecord } from '../../server/decisions/types';

export const description = 'write synthetic demo decisions fast (COPY) [--decisions 20000] [--days 14] [--seed 1] [--url U]';

const USAGE = 'usage: npm run cascade -- seed-demo [--decisions N | --count N] [--days N] [--seed N] [--url URL]';
const MAX_DECISIONS = 100_000_000;
const CHUNK = 10_000;

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

const rng = mulberry32;

const hashes = new Map<string, string>();
function promptHash(prompt: string): string {
  let h = hashes.get(prompt);
  if (h === undefined) {
    h = createHash('sha256').update(prompt).digest('hex');
    hashes.set(prompt, h);
  }
  return h;
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
    promptHash: promptHash(prompt),
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

/** Decision times spread evenly over the span with jitter; busier during (UTC) working hours. */
function* demoChunks(count: number, days: number, seed: number, end: number): Generator<StoredDecision[]> {
  const r = rng(seed);
  const span = days * 86_400_000;
  for (let start = 0; start < count; start += CHUNK) {
    const chunk: StoredDecision[] = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i++) {
      let at = end - span + ((i + r()) / count) * span;
      const hour = new Date(at).getUTCHours();
      if ((hour < 7 || hour > 19) && r() < 0.5) at = end - span + r() * span;
      const row = normalizeDecision(demoDecision(r, new Date(Math.min(at, end))));
      if (row) chunk.push(row);
    }
    yield chunk;
  }
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** done/total, rate, ETA on stderr: redrawn in place on a terminal, a line every 5 s otherwise. */
export function progressLine(done: number, total: number, seconds: number, width = 30): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const rate = seconds > 0 ? done / seconds : 0;
  const filled = Math.round(frac * width);
  const eta = rate > 0 ? (total - done) / rate : Number.NaN;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${(frac * 100).toFixed(1)}% ${Math.round(rate).toLocaleString('en-US')}/s ETA ${duration(eta)}`;
}

function progressBar(total: number): { update(done: number): void; end(done: number): void } {
  const started = performance.now();
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = -1;
  const draw = (done: number, final: boolean) => {
    const now = performance.now();
    if (final ? done === shown && !tty : now - last < (tty ? 200 : 5000)) return;
    last = now;
    shown = done;
    const line = progressLine(done, total, (now - started) / 1000);
    process.stderr.write(tty ? `\r${line}${final ? '\n' : ''}` : `${line}\n`);
  };
  return { update: (done) => draw(done, false), end: (done) => draw(done, true) };
}

export async function run(argv: string[]): Promise<number> {
  let values: { days?: string; count?: string; decisions?: string; seed?: string; url?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { days: { type: 'string' }, count: { type: 'string' }, decisions: { type: 'string' }, seed: { type: 'string' }, url: { type: 'string' } },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.count !== undefined && values.decisions !== undefined && values.count !== values.decisions) {
    process.stderr.write(`--count is another name for --decisions; give one of them\n${USAGE}\n`);
    return 2;
  }
  const days = Number(values.days ?? 14);
  const count = Number(values.decisions ?? values.count ?? 20_000);
  const seed = Number(values.seed ?? 1);
  if (!(Number.isInteger(days) && days >= 1 && days <= 365 && Number.isInteger(count) && count >= 1 && count <= MAX_DECISIONS && Number.isInteger(seed))) {
    process.stderr.write(`--days must be 1..365, --decisions 1..${MAX_DECISIONS}, --seed an integer\n${USAGE}\n`);
    return 2;
  }
  const { connectDatabase } = await import('../../server/db/client');
  const { bulkLoad } = await import('../../server/decisions/bulk-load');
  const { cliDatabaseUrl } = await import('../../server/runtime/process-file');
  const { env } = await import('../../server/env');
  // a running `npm start` owns the embedded folder: seed through its socket, so its dashboards show the rows at once
  const db = await connectDatabase({ url: cliDatabaseUrl(values.url, env()) });
  const pool = new pg.Pool({ connectionString: db.url, max: 3 });
  pool.on('error', () => undefined);
  const bar = progressBar(count);
  let written = 0;
  try {
    written = await bulkLoad(pool, demoChunks(count, days, seed, Date.now()), {
      concurrency: 2,
      onProgress: (n) => {
        written = n;
        bar.update(n);
      },
    });
    bar.end(written);
    // Every chunk updates the same hourly rollup rows, leaving dead versions behind (10M decisions:
    // 330k dead next to 120k live rows, and dashboard scans several times slower); clean up now
    // rather than wait for autovacuum, and give the planner fresh statistics.
    await pool.query('VACUUM (ANALYZE) "DecisionRollup"');
    // The daily rows are updated by every chunk of their day (worse than hourly); attempt rollups too.
    await pool.query('VACUUM (ANALYZE) "DecisionRollupDaily"');
    await pool.query('VACUUM (ANALYZE) "AttemptRollup"');
    await pool.query('ANALYZE "Decision"');
    process.stdout.write(`wrote ${written} demo decisions (with attempts and hourly, daily and attempt rollups) over ${days} days\n`);
    return 0;
  } catch (err) {
    bar.end(written);
    process.stderr.write(`seed-demo stopped after ${written} decisions (committed, rollups included): ${(err as Error).message}\n`);
    return 1;
  } finally {
    await pool.end().catch(() => undefined);
    await db.close();
  }
}
