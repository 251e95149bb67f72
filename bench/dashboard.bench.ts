// Dashboard query latency at scale: hourly rollups standing for 10 million decisions over 90 days
// (3 tiers x 4 bands x 4 API keys x 2 cache outcomes per hour), then every query the dashboards
// page runs, repeated, p50/p95 per range. Rollups are what the page reads, so their row count (not
// the raw decision count) sets the cost. Uses DATABASE_URL / TEST_DATABASE_URL, else embedded PGlite.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { env } from '../server/env';
import { migrate } from '../server/db/migrate';
import { startEmbeddedPostgres } from '../server/db/embedded';
import { dashboardFiltersSchema, granularityFor } from '../server/analytics/filters';
import { loadEscalationReasons, loadPolicyChanges, loadRollups, type Sql } from '../server/analytics/queries';
import { HIST_BUCKETS } from '../server/decisions/histogram';
import { prepareCostByTier, prepareSavings } from '../server/analytics/prepare-cost';
import type { BenchRow } from './index';

const DECISIONS = 10_000_000;
const DAYS = 90;

async function target(): Promise<{ url: string; label: string; stop(): Promise<void> }> {
  const e = env();
  const url = e.DATABASE_URL ?? e.TEST_DATABASE_URL;
  if (url) return { url, label: new URL(url).host, stop: async () => {} };
  const db = await startEmbeddedPostgres({ dataDir: null, maxConnections: 8 });
  return { url: db.url, label: 'embedded PGlite (in memory)', stop: db.stop };
}

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

async function run(): Promise<{ rows: BenchRow[]; summary: Record<string, unknown> }> {
  const t = await target();
  await migrate(t.url);
  const pool = new pg.Pool({ connectionString: t.url, max: 4 });
  const sql: Sql = async <T,>(text: string, params: unknown[]) => (await pool.query(text, params)).rows as T[];
  const tag = `bench-${randomUUID().slice(0, 6)}`;
  const end = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
  const start = new Date(end.getTime() - DAYS * 86_400_000);
  const combos = 3 * 4 * 4 * 2;
  const perRow = Math.max(1, Math.round(DECISIONS / (DAYS * 24 * combos)));
  const seeded = Date.now();
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
  const seedSeconds = (Date.now() - seeded) / 1000;
  const rows: BenchRow[] = [];
  try {
    for (const [label, days, extra] of [
      ['7 days', 7, {}],
      ['30 days', 30, {}],
      ['90 days', 90, {}],
      ['90 days, one tier', 90, { tier: `${tag}-small` }],
      ['90 days, one key + band', 90, { apiKeyId: `${tag}-key1`, band: 'simple' }],
    ] as const) {
      const f = dashboardFiltersSchema.parse({ from: new Date(end.getTime() - days * 86_400_000), to: end, ...extra });
      const g = granularityFor(f);
      const times: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        const [{ rows: r }] = await Promise.all([loadRollups(sql, f, g, HIST_BUCKETS), loadEscalationReasons(sql, f), loadPolicyChanges(sql)]);
        prepareCostByTier(r, f, g);
        prepareSavings(r, f, g);
        times.push(performance.now() - t0);
      }
      rows.push({ range: label, granularity: g, runs: times.length, p50_ms: pct(times, 0.5), p95_ms: pct(times, 0.95) });
    }
  } finally {
    await pool.query(`DELETE FROM "DecisionRollup" WHERE tier LIKE $1`, [`${tag}-%`]);
    await pool.end();
    await t.stop();
  }
  return { rows, summary: { database: t.label, decisionsRepresented: perRow * DAYS * 24 * combos, rollupRows: DAYS * 24 * combos, seedSeconds, goal: 'p95 <= 200 ms' } };
}

export default { name: 'dashboard queries over rollups (10M decisions, 90 days)', run };
