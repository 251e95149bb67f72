// Dashboard query latency at scale (goal: p95 <= 200 ms per query at 10 million decisions). Two modes:
//  * real data: when the target database already holds >= 9M decisions in its rollups over the last
//    90 days (e.g. `npm run cascade -- seed-demo --decisions 10000000 --days 90 --url ...`), the
//    bench reads those, filtering on the seed's tier/key names;
//  * synthetic: otherwise it inserts tagged rollup rows standing for 10M decisions over 90 days
//    (3 tiers x 4 bands x 4 API keys x 2 cache outcomes per hour; hourly, daily and attempt rows)
//    and deletes them afterwards.
// Ranges end "now" rounded up to the minute like the page does, so day-bucketed ranges have partial
// first and last days. Per range: each query alone (p50/p95), then the whole dashboard request as
// the router runs it (queries in parallel + every prepare function). The box is shared: CPU per
// request (this process, and the bench pool's own Postgres backends read from /proc) is the
// load-independent figure. Uses DATABASE_URL / TEST_DATABASE_URL, else embedded PGlite.
// DASHBOARD_EXPLAIN=1 also prints EXPLAIN (ANALYZE, BUFFERS) of every statement of one dashboard
// request per range (after the timed runs).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { env } from '../server/env';
import { migrate } from '../server/db/migrate';
import { startEmbeddedPostgres } from '../server/db/embedded';
import { dashboardFiltersSchema, granularityFor, type DashboardFilters } from '../server/analytics/filters';
import { loadEscalationReasons, loadFilterOptions, loadPolicyChanges, loadRollups, type Sql } from '../server/analytics/queries';
import { HIST_BUCKETS, LATENCY_BOUNDS_MS } from '../server/decisions/histogram';
import { prepareCostByTier, prepareSavings } from '../server/analytics/prepare-cost';
import { prepareLatencyByTier, prepareSuccessMatrix, prepareThresholdHistory } from '../server/analytics/prepare-quality';
import { prepareCacheHitRate, prepareEscalations, prepareTierMix, prepareTrafficByBand } from '../server/analytics/prepare-traffic';
import { planRollupRead } from '../server/analytics/rollup-source';
import type { BenchRow } from './index';

const DECISIONS = 10_000_000;
const DAYS = 90;
const RUNS = 15;
const DAY = 86_400_000;

async function target(): Promise<{ url: string; label: string; stop(): Promise<void> }> {
  const e = env();
  const url = e.DATABASE_URL ?? e.TEST_DATABASE_URL;
  if (url) return { url, label: `${new URL(url).host}${new URL(url).pathname}`, stop: async () => {} };
  const db = await startEmbeddedPostgres({ dataDir: null, maxConnections: 8 });
  return { url: db.url, label: 'embedded PGlite (in memory)', stop: db.stop };
}

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function backendCpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime
    } catch {
      // remote Postgres or backend gone
    }
  }
  return ticks / 100;
}

/** Tagged rollup rows standing for 10M decisions (hourly, then daily sums of them, then attempts). */
async function synthesize(pool: pg.Pool, tag: string, start: Date, end: Date): Promise<number> {
  const combos = 3 * 4 * 4 * 2;
  const perRow = Math.max(1, Math.round(DECISIONS / (DAYS * 24 * combos)));
  await pool.query(
    `INSERT INTO "DecisionRollup" (bucket, "apiKeyId", tier, band, "policyVersion", "cacheStatus", status, count, "costUsd", "baselineCostUsd",
        "tokensIn", "tokensOut", "latencySumMs", "ttftSumMs", "ttftCount", escalations, "latencyHist")
     SELECT h, $1 || '-key' || k, $1 || '-' || tr, b, 1, c, 'ok', $4::int,
            $4::float8 * (CASE tr WHEN 'small' THEN 0.0002 WHEN 'medium' THEN 0.001 ELSE 0.004 END) * (CASE c WHEN 'exact' THEN 0 ELSE 1 END),
            $4::float8 * 0.004, $4::float8 * 300, $4::float8 * 120, $4::float8 * 400, $4::float8 * 80, $4::int, (CASE WHEN b = 'complex' THEN 1 ELSE 0 END),
            ARRAY[0,0,0,0,0,0,0,0,0,0,1,2,4,8,10,8,6,4,2,1,1,0,0,0,0,0,0,0]::int[]
       FROM generate_series($2::timestamptz, $3::timestamptz - interval '1 hour', interval '1 hour') AS h,
            unnest(ARRAY['small','medium','large']) AS tr, unnest(ARRAY['simple','moderate','complex','research']) AS b,
            generate_series(1, 4) AS k, unnest(ARRAY['miss','exact']) AS c`,
    [tag, start, end, perRow],
  );
  await pool.query(
    // Every synthetic hour has the same histogram: a day's is it times its number of hours.
    `INSERT INTO "DecisionRollupDaily"
     SELECT d, a, tr, b, p, c, s, n, cost, base, tin, tout, lat, ttft, tc, e, ARRAY(SELECT x * hours FROM unnest(h) AS x)
       FROM (SELECT date_trunc('day', bucket, 'UTC') AS d, "apiKeyId" AS a, tier AS tr, band AS b, "policyVersion" AS p, "cacheStatus" AS c, status AS s,
                sum(count)::int AS n, sum("costUsd") AS cost, sum("baselineCostUsd") AS base, sum("tokensIn") AS tin, sum("tokensOut") AS tout,
                sum("latencySumMs") AS lat, sum("ttftSumMs") AS ttft, sum("ttftCount")::int AS tc, sum(escalations)::int AS e,
                count(*)::int AS hours, min("latencyHist") AS h
               FROM "DecisionRollup" WHERE tier LIKE $1 GROUP BY 1, 2, 3, 4, 5, 6, 7) g`,
    [`${tag}-%`],
  );
  await pool.query(
    `INSERT INTO "AttemptRollup" (bucket, tier, outcome, count)
     SELECT h, $1 || '-' || tr, o, $4::int FROM generate_series($2::timestamptz, $3::timestamptz - interval '1 hour', interval '1 hour') AS h,
            unnest(ARRAY['small','medium','large']) AS tr, unnest(ARRAY['ok','bad_answer','error']) AS o`,
    [tag, start, end, perRow],
  );
  await pool.query('ANALYZE "DecisionRollup", "DecisionRollupDaily", "AttemptRollup"');
  return perRow * DAYS * 24 * combos;
}

/** Every statement one dashboard request runs, with its plan and actual timings. */
async function explainOnce(pool: pg.Pool, label: string, f: DashboardFilters, g: 'hour' | 'day'): Promise<void> {
  const statements: Array<{ text: string; params: unknown[] }> = [];
  const record: Sql = async <T,>(text: string, params: unknown[]) => {
    statements.push({ text, params });
    return (await pool.query(text, params)).rows as T[];
  };
  await Promise.all([loadRollups(record, f, g, HIST_BUCKETS), loadEscalationReasons(record, f), loadPolicyChanges(record)]);
  for (const s of statements) {
    const plan = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.params);
    process.stdout.write(`\n--- ${label}: ${s.text.replace(/\s+/g, ' ').slice(0, 110)}...\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`);
  }
}

async function run(): Promise<{ rows: BenchRow[]; summary: Record<string, unknown> }> {
  const loadStart = loadavg().map((x) => x.toFixed(2)).join(' ');
  const t = await target();
  await migrate(t.url);
  const app = `bench-dashboard-${process.pid}`;
  const u = new URL(t.url);
  u.searchParams.set('application_name', app);
  const pool = new pg.Pool({ connectionString: u.toString(), max: 4 });
  const sql: Sql = async <T,>(text: string, params: unknown[]) => (await pool.query(text, params)).rows as T[];
  const now = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
  const existing = await pool.query<{ n: number }>(`SELECT coalesce(sum(count), 0)::float8 AS n FROM "DecisionRollupDaily" WHERE bucket >= $1`, [new Date(now.getTime() - DAYS * DAY)]);
  const real = Number(existing.rows[0].n) >= 0.9 * DECISIONS;
  const tag = `bench-${randomUUID().slice(0, 6)}`;
  const oneTier = real ? 'small' : `${tag}-small`;
  const oneKey = real ? 'demo-key-1' : `${tag}-key1`;
  const rows: BenchRow[] = [];
  let represented = Number(existing.rows[0].n);
  let seedSeconds = 0;
  try {
    if (!real) {
      const seeded = Date.now();
      const hour = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
      represented = await synthesize(pool, tag, new Date(hour - DAYS * DAY), new Date(hour));
      seedSeconds = (Date.now() - seeded) / 1000;
    }
    for (const [label, days, extra] of [
      ['24 hours', 1, {}],
      ['7 days', 7, {}],
      ['30 days', 30, {}],
      ['90 days', 90, {}],
      ['90 days, one tier', 90, { tier: oneTier }],
      ['90 days, one key + band', 90, { apiKeyId: oneKey, band: 'simple' }],
    ] as const) {
      const f: DashboardFilters = dashboardFiltersSchema.parse({ from: new Date(now.getTime() - days * DAY), to: now, ...extra });
      const g = granularityFor(f);
      const range = { from: f.from, to: new Date(f.to.getTime() - 1) };
      const plan = planRollupRead(f.from, f.to, g);
      const times: Record<string, number[]> = { rollups: [], reasons: [], policies: [], options: [], dashboard: [] };
      const timed = async <T,>(k: string, p: () => Promise<T>): Promise<T> => {
        const t0 = performance.now();
        const out = await p();
        times[k].push(performance.now() - t0);
        return out;
      };
      let pids: number[] = [];
      let cpuNode = 0;
      let cpuPg = 0;
      for (let i = 0; i <= RUNS; i++) {
        const warm = i === 0; // first round: caches and plans warm up, not counted
        await timed('rollups', () => loadRollups(sql, f, g, HIST_BUCKETS));
        await timed('reasons', () => loadEscalationReasons(sql, f));
        await timed('policies', () => loadPolicyChanges(sql));
        await timed('options', () => loadFilterOptions(sql));
        // The pool's backends (it opens connections lazily), found by application name.
        pids = (await pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [app])).rows.map((r) => r.pid);
        const c0 = process.cpuUsage();
        const p0 = backendCpuSeconds(pids);
        await timed('dashboard', async () => {
          const [{ rows: r, latency }, reasons, changes] = await Promise.all([loadRollups(sql, f, g, HIST_BUCKETS), loadEscalationReasons(sql, f), loadPolicyChanges(sql)]);
          prepareCostByTier(r, range, g);
          prepareSavings(r, range, g);
          prepareTrafficByBand(r, range, g);
          prepareTierMix(r);
          prepareSuccessMatrix(r);
          prepareThresholdHistory(r, changes, range, g);
          prepareLatencyByTier(latency, LATENCY_BOUNDS_MS);
          prepareCacheHitRate(r, range, g);
          prepareEscalations(r, reasons, range, g);
        });
        const c = process.cpuUsage(c0);
        if (warm) {
          for (const k of Object.keys(times)) times[k].pop();
          continue;
        }
        cpuNode += (c.user + c.system) / 1000;
        cpuPg += (backendCpuSeconds(pids) - p0) * 1000;
      }
      if (process.env.DASHBOARD_EXPLAIN === '1') await explainOnce(pool, label, f, g);
      const source = `${plan.daily ? `daily ${Math.round((plan.daily.to.getTime() - plan.daily.from.getTime()) / DAY)} d + ` : ''}hourly ${plan.hourly.length} slice(s)`;
      rows.push({
        range: label,
        buckets: g,
        source,
        'dashboard p50 ms': pct(times.dashboard, 0.5),
        'dashboard p95 ms': pct(times.dashboard, 0.95),
        'rollups p50/p95': `${pct(times.rollups, 0.5).toFixed(1)} / ${pct(times.rollups, 0.95).toFixed(1)}`,
        'reasons p50/p95': `${pct(times.reasons, 0.5).toFixed(1)} / ${pct(times.reasons, 0.95).toFixed(1)}`,
        'policies p50/p95': `${pct(times.policies, 0.5).toFixed(1)} / ${pct(times.policies, 0.95).toFixed(1)}`,
        'filter options p50/p95': `${pct(times.options, 0.5).toFixed(1)} / ${pct(times.options, 0.95).toFixed(1)}`,
        'node cpu ms/req': cpuNode / RUNS,
        'pg cpu ms/req': pids.length ? cpuPg / RUNS : null,
      });
    }
  } finally {
    if (!real) {
      await pool.query(`DELETE FROM "DecisionRollup" WHERE tier LIKE $1`, [`${tag}-%`]);
      await pool.query(`DELETE FROM "DecisionRollupDaily" WHERE tier LIKE $1`, [`${tag}-%`]);
      await pool.query(`DELETE FROM "AttemptRollup" WHERE tier LIKE $1`, [`${tag}-%`]);
    }
    await pool.end();
    await t.stop();
  }
  const loadEnd = loadavg().map((x) => x.toFixed(2)).join(' ');
  process.stdout.write(`${real ? 'real rows' : 'synthetic rollups'} standing for ${represented.toLocaleString('en-US')} decisions on ${t.label}; load average at start ${loadStart}, at end ${loadEnd}\n`);
  return {
    rows,
    summary: { database: t.label, mode: real ? 'real rows (seed-demo)' : 'synthetic rollups', decisionsRepresented: represented, seedSeconds, loadStart, loadEnd, goal: 'p95 <= 200 ms per query' },
  };
}

export default { name: 'dashboard queries over rollups (10M decisions, 90 days)', run };
