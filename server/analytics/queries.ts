// The SQL behind each dashboard, read from rollups: DecisionRollup (hourly) and DecisionRollupDaily
// (UTC days) as planned by rollup-source.ts, FeedbackRollup for ratings of whole days, AttemptRollup
// for escalation reasons. Raw tables are read only for ratings of the partial first/last day:
// Feedback joined to its decision by primary key, one lookup per rating in that slice, never a scan
// of decisions. All buckets are UTC hours / UTC days.
import type { DashboardFilters } from './filters';
import { planRollupRead, utcDate, type TimeSlice } from './rollup-source';
import type { EscalationReasonRow, Granularity, JudgeAcceptedRatingRow, JudgeVerdictRow, LatencyInput, PolicyChange, RollupRow } from './types';

/** Anything that runs parameterised SQL: a pg Pool, or Prisma's $queryRawUnsafe. */
export type Sql = <T>(text: string, params: unknown[]) => Promise<T[]>;

type Cols = { time: string; apiKey: string; tier: string; band: string; policy: string };

/** Conditions on the non-time filters. `blankIsNull`: raw decisions store "no policy" as NULL, rollups as 0. */
function dims(f: DashboardFilters, params: unknown[], cols: Cols, blankIsNull: boolean): string[] {
  const parts: string[] = [];
  const add = (col: string, v: unknown) => {
    params.push(v);
    parts.push(`${col} = $${params.length}`);
  };
  if (f.apiKeyId) add(cols.apiKey, f.apiKeyId);
  if (f.tier) add(cols.tier, f.tier);
  if (f.band) add(cols.band, f.band);
  if (f.policyVersion === 0 && blankIsNull) parts.push(`${cols.policy} IS NULL`);
  else if (f.policyVersion !== undefined) add(cols.policy, f.policyVersion);
  return parts;
}

function where(f: DashboardFilters, params: unknown[], cols: Cols, blankIsNull: boolean, range: TimeSlice = f): string {
  params.push(range.from, range.to);
  return [`${cols.time} >= $${params.length - 1}`, `${cols.time} < $${params.length}`, ...dims(f, params, cols, blankIsNull)].join(' AND ');
}

const ROLLUP_COLS = { time: 'bucket', apiKey: '"apiKeyId"', tier: 'tier', band: 'band', policy: '"policyVersion"' };
const DECISION_COLS = { time: 'd."createdAt"', apiKey: 'd."apiKeyId"', tier: 'd."finalTier"', band: 'd.band', policy: 'd."policyVersion"' };
const FEEDBACK_ROLLUP_COLS = { time: 'day', apiKey: '"apiKeyId"', tier: 'tier', band: 'band', policy: '"policyVersion"' };
const ROLLUP_FIELDS = `tier, band, status, "cacheStatus", count, escalations, "costUsd", "baselineCostUsd", "tokensIn", "tokensOut", "ttftSumMs", "ttftCount", "latencyHist"`;
const DAY_MS = 86_400_000;

/**
 * The bucket of an arm's rows at granularity g. Rows already at g need nothing; hourly rows of a
 * slice inside one UTC day (the partial first/last day) all belong to that day: a constant. Only
 * otherwise date_trunc(..., 'UTC'), whose per-row time zone work was half of the query's CPU.
 */
function bucketExpr(g: Granularity, table: 'hourly' | 'daily', slice: TimeSlice, params: unknown[]): string {
  if (g === 'hour' || table === 'daily') return 'bucket';
  const day = Math.floor(slice.from.getTime() / DAY_MS) * DAY_MS;
  if (day === Math.floor((slice.to.getTime() - 1) / DAY_MS) * DAY_MS) {
    params.push(new Date(day));
    return `$${params.length}::timestamptz`;
  }
  return `date_trunc('day', bucket, 'UTC')`;
}

interface RawRollup {
  bucket: Date;
  tier: string | null;
  band: string | null;
  requests: number;
  errors: number;
  cache_exact: number;
  cache_semantic: number;
  escalated: number;
  cost: number;
  baseline: number;
  cache_saved: number;
  tokens_in: number;
  tokens_out: number;
}

interface RawRating {
  bucket: Date;
  tier: string | null;
  band: string | null;
  up: number;
  down: number;
}

/**
 * Everything the dashboard draws from the rollups: rows grouped by (bucket at granularity g, tier,
 * band) with ratings merged in, and per-tier latency facts. Whole UTC days of day-bucketed ranges
 * come from the daily rollups, the rest from the hourly ones (rollup-source.ts); `source: 'hourly'`
 * forces hourly rows (tests compare both). Histograms are summed position by position (h[1],
 * h[2], ...) rather than unnested, which would multiply the rows by the bucket count.
 */
export async function loadRollups(
  sql: Sql,
  f: DashboardFilters,
  g: Granularity,
  histBuckets = 28,
  source: 'auto' | 'hourly' = 'auto',
): Promise<{ rows: RollupRow[]; latency: LatencyInput[] }> {
  const nHist = Math.max(1, Math.min(64, Math.floor(histBuckets)));
  const histCols = Array.from({ length: nHist }, (_, i) => `coalesce(sum("latencyHist"[${i + 1}]), 0)::float8 AS h${i + 1}`).join(', ');
  const plan = planRollupRead(f.from, f.to, g, source);
  const arms = (params: unknown[], withBucket: boolean) =>
    [
      ...plan.hourly.map((r) => `SELECT ${withBucket ? `${bucketExpr(g, 'hourly', r, params)} AS b, ` : ''}${ROLLUP_FIELDS} FROM "DecisionRollup" WHERE ${where(f, params, ROLLUP_COLS, false, r)}`),
      ...(plan.daily ? [`SELECT ${withBucket ? 'bucket AS b, ' : ''}${ROLLUP_FIELDS} FROM "DecisionRollupDaily" WHERE ${where(f, params, ROLLUP_COLS, false, plan.daily)}`] : []),
    ].join('\n     UNION ALL ');
  const p1: unknown[] = [];
  const p2: unknown[] = [];
  // Three statements at once: sums per (bucket, tier, band); latency per tier only (the histogram
  // columns were 28 of 44 per row, parsed for every bucket and never used per bucket); ratings.
  const [rollups, latencyRows, ratings] = await Promise.all([
    sql<RawRollup>(
      `SELECT b AS bucket, NULLIF(tier, '') AS tier, NULLIF(band, '') AS band,
          sum(count)::float8 AS requests,
          coalesce(sum(count) FILTER (WHERE status <> 'ok'), 0)::float8 AS errors,
          coalesce(sum(count) FILTER (WHERE "cacheStatus" = 'exact'), 0)::float8 AS cache_exact,
          coalesce(sum(count) FILTER (WHERE "cacheStatus" = 'semantic'), 0)::float8 AS cache_semantic,
          sum(escalations)::float8 AS escalated,
          sum("costUsd")::float8 AS cost, sum("baselineCostUsd")::float8 AS baseline,
          coalesce(sum("baselineCostUsd" - "costUsd") FILTER (WHERE "cacheStatus" IN ('exact', 'semantic')), 0)::float8 AS cache_saved,
          sum("tokensIn")::float8 AS tokens_in, sum("tokensOut")::float8 AS tokens_out
       FROM (${arms(p1, true)}) r GROUP BY b, tier, band`,
      p1,
    ),
    sql<{ tier: string | null; requests: number; ttft_sum: number; ttft_n: number } & Record<string, number>>(
      `SELECT NULLIF(tier, '') AS tier, sum(count)::float8 AS requests, sum("ttftSumMs")::float8 AS ttft_sum, sum("ttftCount")::float8 AS ttft_n, ${histCols}
       FROM (${arms(p2, false)}) r GROUP BY tier`,
      p2,
    ),
    loadRatings(sql, f, g, plan.hourly, plan.daily),
  ]);
  return { rows: mergeRollupsAndRatings(rollups, ratings), latency: latencyByTier(latencyRows, nHist) };
}

/**
 * Thumbs up/down per (bucket, tier, band) of the decisions in the range, one statement. Whole days
 * come from FeedbackRollup (explicit ratings by the decision's UTC day, with its API key); only the
 * partial first/last day is counted from Feedback joined to its decision (by primary key, bounded
 * by the feedback index on the decision's time: cost follows that slice's ratings).
 */
async function loadRatings(sql: Sql, f: DashboardFilters, g: Granularity, hourly: readonly TimeSlice[], daily: TimeSlice | null): Promise<RawRating[]> {
  const p: unknown[] = [];
  const arms = hourly.map((r) => {
    p.push(r.from, r.to);
    const [lo, hi] = [p.length - 1, p.length];
    const w = [`f."decisionCreatedAt" >= $${lo}`, `f."decisionCreatedAt" < $${hi}`, `d."createdAt" >= $${lo}`, `d."createdAt" < $${hi}`, ...dims(f, p, DECISION_COLS, true)];
    return `SELECT date_trunc('${g}', d."createdAt", 'UTC') AS bucket, d."finalTier" AS tier, d.band AS band,
            count(*) FILTER (WHERE f.rating > 0)::float8 AS up, count(*) FILTER (WHERE f.rating < 0)::float8 AS down
         FROM "Feedback" f JOIN "Decision" d ON d.id = f."decisionId" AND d."createdAt" = f."decisionCreatedAt"
         WHERE f.kind = 'explicit' AND ${w.join(' AND ')}
         GROUP BY 1, 2, 3`;
  });
  if (daily) {
    // day is a DATE: compare with 'YYYY-MM-DD' text so the session time zone plays no part.
    p.push(utcDate(daily.from), utcDate(daily.to));
    const w = [`day >= $${p.length - 1}::date`, `day < $${p.length}::date`, ...dims(f, p, FEEDBACK_ROLLUP_COLS, false)];
    arms.push(`SELECT (day::timestamp AT TIME ZONE 'UTC') AS bucket, NULLIF(tier, '') AS tier, NULLIF(band, '') AS band,
            sum(up)::float8 AS up, sum(ratings - up)::float8 AS down
         FROM "FeedbackRollup" WHERE ${w.join(' AND ')} GROUP BY 1, 2, 3`);
  }
  if (arms.length === 0) return [];
  return sql<RawRating>(arms.map((a) => `(${a})`).join('\n UNION ALL '), p);
}

/** Pure: per-tier latency inputs from grouped rollup rows carrying ttft sums and h1..hN columns. */
export function latencyByTier(rows: ReadonlyArray<{ tier: string | null; requests: number; ttft_sum: number; ttft_n: number } & Record<string, unknown>>, nHist: number): LatencyInput[] {
  const m = new Map<string, LatencyInput>();
  for (const r of rows) {
    const k = r.tier ?? '';
    const a = m.get(k) ?? { tier: r.tier, requests: 0, latencyHist: new Array<number>(nHist).fill(0), ttftSumMs: 0, ttftCount: 0 };
    a.requests += Number(r.requests);
    a.ttftSumMs += Number(r.ttft_sum);
    a.ttftCount += Number(r.ttft_n);
    for (let i = 0; i < nHist; i++) a.latencyHist[i] += Number(r[`h${i + 1}`] ?? 0);
    m.set(k, a);
  }
  return [...m.values()];
}

/** Pure: turns raw SQL rows into RollupRow, attaching ratings to their (bucket, tier, band) row. */
export function mergeRollupsAndRatings(rollups: readonly RawRollup[], ratings: readonly RawRating[]): RollupRow[] {
  const key = (b: Date, t: string | null, band: string | null) => `${new Date(b).toISOString()}|${t ?? ''}|${band ?? ''}`;
  const out = new Map<string, RollupRow>();
  const blank = (bucket: Date, tier: string | null, band: string | null): RollupRow => ({
    bucket: new Date(bucket), tier, band: band as RollupRow['band'], apiKeyId: null, policyVersion: null, requests: 0, errors: 0,
    cacheExact: 0, cacheSemantic: 0, escalated: 0, costUsd: 0, baselineCostUsd: 0, escalationCostUsd: 0, cacheSavedUsd: 0,
    tokensIn: 0, tokensOut: 0, ratedUp: 0, ratedDown: 0,
  });
  for (const r of rollups) {
    const row = blank(r.bucket, r.tier, r.band);
    Object.assign(row, {
      requests: Number(r.requests), errors: Number(r.errors), cacheExact: Number(r.cache_exact), cacheSemantic: Number(r.cache_semantic),
      escalated: Number(r.escalated), costUsd: Number(r.cost), baselineCostUsd: Number(r.baseline), cacheSavedUsd: Number(r.cache_saved),
      tokensIn: Number(r.tokens_in), tokensOut: Number(r.tokens_out),
    });
    out.set(key(r.bucket, r.tier, r.band), row);
  }
  for (const r of ratings) {
    const k = key(r.bucket, r.tier, r.band);
    const row = out.get(k) ?? blank(r.bucket, r.tier, r.band);
    row.ratedUp += Number(r.up);
    row.ratedDown += Number(r.down);
    out.set(k, row);
  }
  return [...out.values()];
}

/** Why attempts were escalated: outcomes of failed attempts in the range (hour buckets, AttemptRollup). */
export async function loadEscalationReasons(sql: Sql, f: DashboardFilters): Promise<EscalationReasonRow[]> {
  const p: unknown[] = [f.from, f.to];
  let extra = '';
  if (f.tier) {
    p.push(f.tier);
    extra = ` AND tier = $${p.length}`;
  }
  const rows = await sql<{ reason: string; count: number }>(
    `SELECT outcome AS reason, sum(count)::float8 AS count FROM "AttemptRollup"
      WHERE bucket >= $1 AND bucket < $2 AND outcome NOT IN ('ok', 'accepted', 'rejected', 'abstained')${extra} GROUP BY outcome`,
    p,
  );
  return rows.map((r) => ({ reason: r.reason, count: Number(r.count) }));
}

/** Answer-judge verdicts in the range per judge and outcome (hour buckets, JudgeRollup). */
export async function loadJudgeVerdicts(sql: Sql, f: DashboardFilters): Promise<JudgeVerdictRow[]> {
  const p: unknown[] = [f.from, f.to];
  let extra = '';
  if (f.tier) {
    p.push(f.tier);
    extra = ` AND tier = $${p.length}`;
  }
  const rows = await sql<JudgeVerdictRow>(
    `SELECT judge, outcome, sum(count)::float8 AS count FROM "JudgeRollup" WHERE bucket >= $1 AND bucket < $2${extra} GROUP BY judge, outcome`,
    p,
  );
  return rows.map((r) => ({ judge: r.judge, outcome: r.outcome, count: Number(r.count) }));
}

/**
 * Explicit ratings, in the range, of decisions whose last judge verdict accepted the delivered
 * answer, per accepting judge: how good the cheap answers the judges let through were. Ratings are
 * few; each is joined to its decision's verdicts by primary key.
 */
export async function loadJudgeAcceptedRatings(sql: Sql, f: DashboardFilters): Promise<JudgeAcceptedRatingRow[]> {
  const p: unknown[] = [f.from, f.to];
  let extra = '';
  if (f.tier) {
    p.push(f.tier);
    extra = ` AND v.tier = $${p.length}`;
  }
  const rows = await sql<JudgeAcceptedRatingRow>(
    `SELECT v.judge, count(*) FILTER (WHERE r.rating > 0)::float8 AS up, count(*)::float8 AS n
       FROM "Feedback" r
       JOIN LATERAL (
         SELECT substr(x.step, 7) AS judge, x.outcome, x."tierName" AS tier FROM "DecisionAttempt" x
          WHERE x."decisionId" = r."decisionId" AND x."createdAt" = r."decisionCreatedAt" AND x.step LIKE 'judge:%'
          ORDER BY x.seq DESC LIMIT 1) v ON true
      WHERE r.kind = 'explicit' AND r."decisionCreatedAt" >= $1 AND r."decisionCreatedAt" < $2 AND v.outcome = 'accepted'${extra}
      GROUP BY v.judge`,
    p,
  );
  return rows.map((r) => ({ judge: r.judge, up: Number(r.up), n: Number(r.n) }));
}

/** Policy versions with their thresholds, for the threshold-history overlay. */
export async function loadPolicyChanges(sql: Sql): Promise<PolicyChange[]> {
  const rows = await sql<{ version: number; created_at: Date; thresholds: unknown }>(
    `SELECT version, "createdAt" AS created_at, document->'thresholds' AS thresholds FROM "PolicyVersion" ORDER BY version`,
    [],
  );
  const out: PolicyChange[] = [];
  for (const r of rows) {
    const t = r.thresholds as { t1?: unknown; t2?: unknown; t3?: unknown } | null;
    if (t && typeof t.t1 === 'number' && typeof t.t2 === 'number' && typeof t.t3 === 'number') {
      out.push({ version: Number(r.version), activatedAt: new Date(r.created_at), thresholds: { t1: t.t1, t2: t.t2, t3: t.t3 } });
    }
  }
  return out;
}

/** Complexity scores of the most recent decisions (index scan on createdAt, bounded). */
export async function loadRecentScores(sql: Sql, limit = 5000): Promise<number[]> {
  const rows = await sql<{ score: number }>(
    `SELECT score FROM "Decision" WHERE score IS NOT NULL ORDER BY "createdAt" DESC LIMIT $1`,
    [Math.max(1, Math.min(50_000, Math.floor(limit)))],
  );
  return rows.map((r) => Number(r.score)).filter(Number.isFinite);
}

/** Values for the filter drop-downs. */
export async function loadFilterOptions(sql: Sql): Promise<{ tiers: string[]; apiKeys: { id: string; name: string }[]; policyVersions: number[] }> {
  const [tiers, keys, versions] = await Promise.all([
    sql<{ name: string }>(`SELECT name FROM "Tier" ORDER BY name`, []),
    sql<{ id: string; name: string }>(`SELECT id, name FROM "ApiKey" ORDER BY name`, []),
    sql<{ version: number }>(`SELECT version FROM "PolicyVersion" ORDER BY version DESC LIMIT 200`, []),
  ]);
  return { tiers: tiers.map((t) => t.name), apiKeys: keys, policyVersions: versions.map((v) => Number(v.version)) };
}
