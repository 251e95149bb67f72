// Daily rollups must not change a single number: the same decisions (written by the real bulk
// loader, rated through the real feedback service) read through the daily+hourly plan and through
// hourly rows only give identical dashboard rows — ranges with partial first and last days, whole
// days, one API key — and day buckets are UTC days whatever the session time zone is.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma } from '../db/client';
import { bulkLoad } from '../decisions/bulk-load';
import { HIST_BUCKETS } from '../decisions/histogram';
import { uuidv7 } from '../decisions/ids';
import { normalizeDecision, type StoredDecision } from '../decisions/normalize';
import type { DecisionRecord } from '../decisions/types';
import { feedbackService } from '../feedback/service';
import { dashboardFiltersSchema, type DashboardFilters } from './filters';
import { loadEscalationReasons, loadRollups, type Sql } from './queries';
import { planRollupRead } from './rollup-source';
import type { RollupRow } from './types';

const url = process.env.TEST_DATABASE_URL!;
// A session far from UTC: day buckets must still be UTC days.
const tzUrl = new URL(url);
tzUrl.searchParams.set('options', '-c TimeZone=Pacific/Kiritimati');
const pool = new pg.Pool({ connectionString: tzUrl.toString(), max: 3 });
const sql: Sql = async <T,>(text: string, params: unknown[]) => (await pool.query(text, params)).rows as T[];
const prisma = createPrisma(url, { poolSize: 2 });
afterAll(async () => {
  await pool.end();
  await prisma.$disconnect();
});

const tag = randomUUID().slice(0, 8);
const TIERS = [`dvh-${tag}-a`, `dvh-${tag}-b`];
const KEYS = [`dvh-${tag}-k1`, `dvh-${tag}-k2`];
// 2023-06-04 00:00 UTC .. 2023-06-09 00:00 UTC, a decision every 37 minutes.
const START = Date.UTC(2023, 5, 4);
const N = 190;

function record(i: number): DecisionRecord {
  const at = new Date(START + i * 37 * 60_000);
  const tier = TIERS[i % 2];
  const failed = i % 5 === 0;
  return {
    id: uuidv7(), createdAt: at, principalId: null, apiKeyId: KEYS[i % 3 === 0 ? 1 : 0], source: 'api', promptHash: 'd'.repeat(64), promptPreview: `dvh ${i}`,
    band: (['simple', 'moderate', 'complex'] as const)[i % 3], score: 0.5, probs: null, signals: null, policyVersion: 1 + (i % 2), plan: null,
    // Cache hits keep a tier here so that every row of this test is told apart by its tier names.
    finalTier: tier, cacheStatus: i % 11 === 0 ? 'exact' : i % 13 === 0 ? 'semantic' : 'miss',
    // Dyadic amounts: float sums are then exact in any order, so rows can be compared with toEqual.
    tokensIn: 100 + i, tokensOut: 50, costUsd: (i % 8) / 64, baselineCostUsd: 0.25, latencyMs: 20 + 17 * i, ttftMs: i % 4 ? 10 + i : null,
    status: i % 17 === 0 ? 'error' : 'ok', errorCode: null, escalations: failed ? 1 : 0,
    attempts: Array.from({ length: failed ? 2 : 1 }, (_, seq) => ({
      seq, tierId: 't', tierName: seq === 0 ? tier : TIERS[1], step: 'answer', startedAt: at, latencyMs: 10, ttftMs: null, queueMs: 0,
      tokensIn: 1, tokensOut: 1, costUsd: 0, outcome: failed && seq === 0 ? (i % 15 === 0 ? ('timeout' as const) : ('bad_answer' as const)) : ('ok' as const), detail: null,
    })),
  };
}

let stored: StoredDecision[] = [];

beforeAll(async () => {
  stored = Array.from({ length: N }, (_, i) => normalizeDecision(record(i))!);
  const raw = new pg.Pool({ connectionString: url, max: 2 });
  try {
    await bulkLoad(raw, [stored.slice(0, 70), stored.slice(70)], { concurrency: 2 });
  } finally {
    await raw.end();
  }
  const fb = feedbackService(prisma);
  for (let i = 0; i < N; i += 3) await fb.rate({ id: `rater-${tag}`, tenant: 'default' }, { decisionId: stored[i].id, rating: i % 2 ? 'up' : 'down' });
});

const iso = (s: string) => new Date(s);
const sorted = (rows: RollupRow[]) => [...rows].sort((a, b) => `${a.bucket.toISOString()}|${a.tier}|${a.band}`.localeCompare(`${b.bucket.toISOString()}|${b.tier}|${b.band}`));

async function both(f: DashboardFilters) {
  const auto = await loadRollups(sql, f, 'day', HIST_BUCKETS, 'auto');
  const hourly = await loadRollups(sql, f, 'day', HIST_BUCKETS, 'hourly');
  return { auto: { rows: sorted(auto.rows), latency: auto.latency }, hourly: { rows: sorted(hourly.rows), latency: hourly.latency } };
}

const cases: Array<[string, Record<string, unknown>]> = [
  ['partial first and last day', { from: iso('2023-06-04T13:30:00Z'), to: iso('2023-06-08T07:10:00Z') }],
  ['whole days only', { from: iso('2023-06-05T00:00:00Z'), to: iso('2023-06-08T00:00:00Z') }],
  ['starts and ends mid-hour', { from: iso('2023-06-03T23:59:59.999Z'), to: iso('2023-06-09T00:00:00.001Z') }],
  ['one API key and one tier', { from: iso('2023-06-04T05:00:00Z'), to: iso('2023-06-08T21:00:00Z'), apiKeyId: KEYS[1], tier: TIERS[0] }],
  ['policy version and band', { from: iso('2023-06-04T05:00:00Z'), to: iso('2023-06-08T21:00:00Z'), policyVersion: 2, band: 'moderate' }],
];

describe('daily vs hourly rollups', () => {
  it.each(cases)('%s: identical rows, ratings and latency either way', async (_, extra) => {
    const f = dashboardFiltersSchema.parse({ tier: undefined, ...extra });
    // Only this test's tiers (other files share the database).
    const own = (rows: RollupRow[]) => rows.filter((r) => r.tier !== null && TIERS.includes(r.tier));
    expect(planRollupRead(f.from, f.to, 'day').daily).not.toBeNull();
    const { auto, hourly } = await both(f);
    expect(own(auto.rows).length).toBeGreaterThan(0);
    expect(own(auto.rows)).toEqual(own(hourly.rows));
    const lat = (l: typeof auto.latency) => l.filter((x) => x.tier !== null && TIERS.includes(x.tier)).sort((a, b) => String(a.tier).localeCompare(String(b.tier)));
    expect(lat(auto.latency)).toEqual(lat(hourly.latency));
    // Every day bucket is a UTC midnight, although the session's time zone is UTC+14.
    expect(auto.rows.every((r) => r.bucket.getUTCHours() === 0 && r.bucket.getUTCMinutes() === 0)).toBe(true);
  });

  it('the totals equal the decisions themselves (hour buckets starting in the range), ratings included', async () => {
    const f = dashboardFiltersSchema.parse({ from: iso('2023-06-04T13:30:00Z'), to: iso('2023-06-08T07:10:00Z') });
    const { auto } = await both(f);
    const own = auto.rows.filter((r) => r.tier !== null && TIERS.includes(r.tier));
    const hourStart = (d: StoredDecision) => Math.floor(Date.parse(d.createdAt) / 3_600_000) * 3_600_000;
    const inRange = stored.filter((d) => hourStart(d) >= f.from.getTime() && hourStart(d) < f.to.getTime());
    const sum = (k: keyof RollupRow) => own.reduce((s, r) => s + (r[k] as number), 0);
    expect(sum('requests')).toBe(inRange.length);
    expect(sum('costUsd')).toBe(inRange.reduce((s, d) => s + d.costUsd, 0));
    expect(sum('errors')).toBe(inRange.filter((d) => d.status !== 'ok').length);
    // Ratings count by the decision's exact time in [from, to).
    const rated = stored.filter((d, i) => i % 3 === 0 && Date.parse(d.createdAt) >= f.from.getTime() && Date.parse(d.createdAt) < f.to.getTime());
    expect(sum('ratedUp') + sum('ratedDown')).toBe(rated.length);
    expect(sum('ratedUp')).toBe(rated.filter((d) => stored.indexOf(d) % 2 === 1).length);
    // Day keys: the UTC dates of the decisions.
    expect([...new Set(own.map((r) => r.bucket.toISOString().slice(0, 10)))].sort()).toEqual(['2023-06-04', '2023-06-05', '2023-06-06', '2023-06-07', '2023-06-08']);
  });

  it('escalation reasons from AttemptRollup equal the failed attempts counted from DecisionAttempt', async () => {
    const f = dashboardFiltersSchema.parse({ from: iso('2023-06-04T00:00:00Z'), to: iso('2023-06-09T00:00:00Z'), tier: TIERS[0] });
    const reasons = (await loadEscalationReasons(sql, f)).sort((a, b) => a.reason.localeCompare(b.reason));
    const raw = await sql<{ reason: string; count: number }>(
      `SELECT outcome AS reason, count(*)::float8 AS count FROM "DecisionAttempt" WHERE "createdAt" >= $1 AND "createdAt" < $2 AND outcome <> 'ok' AND "tierName" = $3 GROUP BY 1 ORDER BY 1`,
      [f.from, f.to, TIERS[0]],
    );
    expect(reasons.length).toBe(2);
    expect(reasons).toEqual(raw);
  });
});

describe('planRollupRead', () => {
  const plan = (from: string, to: string, g: 'hour' | 'day' = 'day') => {
    const p = planRollupRead(iso(from), iso(to), g);
    return { hourly: p.hourly.map((s) => [s.from.toISOString(), s.to.toISOString()]), daily: p.daily && [p.daily.from.toISOString(), p.daily.to.toISOString()] };
  };
  it('reads whole UTC days from the daily rollups and the partial ends from the hourly ones', () => {
    expect(plan('2023-06-04T13:30:00.000Z', '2023-06-08T07:10:00.000Z')).toEqual({
      hourly: [['2023-06-04T13:30:00.000Z', '2023-06-05T00:00:00.000Z'], ['2023-06-08T00:00:00.000Z', '2023-06-08T07:10:00.000Z']],
      daily: ['2023-06-05T00:00:00.000Z', '2023-06-08T00:00:00.000Z'],
    });
    expect(plan('2023-06-05T00:00:00.000Z', '2023-06-08T00:00:00.000Z')).toEqual({ hourly: [], daily: ['2023-06-05T00:00:00.000Z', '2023-06-08T00:00:00.000Z'] });
    // The hour starting 23:00 counts when `to` is 23:00:00.001, so that day is whole.
    expect(plan('2023-06-05T00:00:00.000Z', '2023-06-06T23:00:00.001Z').daily).toEqual(['2023-06-05T00:00:00.000Z', '2023-06-07T00:00:00.000Z']);
    // The hour starting 00:00 does not count when `from` is 00:00:00.001.
    expect(plan('2023-06-05T00:00:00.001Z', '2023-06-07T00:00:00.000Z').daily).toEqual(['2023-06-06T00:00:00.000Z', '2023-06-07T00:00:00.000Z']);
  });
  it('hour buckets and ranges without a whole day read hourly rows only', () => {
    expect(plan('2023-06-04T13:30:00.000Z', '2023-06-06T07:10:00.000Z', 'hour')).toEqual({ hourly: [['2023-06-04T13:30:00.000Z', '2023-06-06T07:10:00.000Z']], daily: null });
    expect(plan('2023-06-04T13:30:00.000Z', '2023-06-05T07:10:00.000Z')).toEqual({ hourly: [['2023-06-04T13:30:00.000Z', '2023-06-05T07:10:00.000Z']], daily: null });
  });
});
