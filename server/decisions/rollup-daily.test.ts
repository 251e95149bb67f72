// Daily and attempt rollups: the pure deltas, and the real writers (recorder, bulk load) keeping
// DecisionRollupDaily equal to DecisionRollup summed per UTC day and AttemptRollup equal to the
// attempts, on the run's real Postgres — replays included (a decision written twice counts once).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { bulkLoad } from './bulk-load';
import { addHistograms } from './histogram';
import { uuidv7 } from './ids';
import { normalizeDecision, type StoredDecision } from './normalize';
import { createRecorder } from './recorder';
import { attemptDeltas, dailyDeltas, rollupDeltas } from './rollup';
import type { DecisionRecord } from './types';

const url = process.env.TEST_DATABASE_URL!;
const db = new pg.Pool({ connectionString: url, max: 2 });
afterAll(() => db.end());

function decision(apiKeyId: string, i: number, at: Date): DecisionRecord {
  const tier = `${apiKeyId}-t`;
  return {
    id: uuidv7(), createdAt: at, principalId: null, apiKeyId, source: 'api', promptHash: 'c'.repeat(64), promptPreview: `q ${i}`,
    band: i % 2 ? 'simple' : 'complex', score: 0.5, probs: null, signals: null, policyVersion: 1 + (i % 2), plan: null,
    finalTier: tier, cacheStatus: i % 5 ? 'miss' : 'exact', tokensIn: 10 + i, tokensOut: 20, costUsd: 0.125 * (i % 4), baselineCostUsd: 1,
    latencyMs: 40 * i, ttftMs: i % 3 ? 30 : null, status: i % 7 ? 'ok' : 'error', errorCode: null, escalations: i % 3 ? 0 : 1,
    attempts: Array.from({ length: i % 3 ? 1 : 2 }, (_, seq) => ({
      seq, tierId: 't', tierName: seq === 0 ? tier : `${tier}-big`, step: 'answer', startedAt: at, latencyMs: 10, ttftMs: null, queueMs: 0,
      tokensIn: 1, tokensOut: 1, costUsd: 0, outcome: seq === 0 && i % 3 === 0 ? ('bad_answer' as const) : ('ok' as const), detail: null,
    })),
  };
}

/** 60 decisions every 70 minutes from 2026-11-27 20:00 UTC: three UTC days, partial at both ends. */
function records(apiKeyId: string): DecisionRecord[] {
  const base = Date.UTC(2026, 10, 27, 20, 0);
  return Array.from({ length: 60 }, (_, i) => decision(apiKeyId, i, new Date(base + i * 70 * 60_000)));
}
const decisions = (apiKeyId: string): StoredDecision[] => records(apiKeyId).map((d) => normalizeDecision(d)!);

async function compare(apiKeyId: string) {
  // The hourly rows summed per UTC day in JS (an independent path to the same numbers).
  const hourly = await db.query(
    `SELECT bucket, tier, band, "policyVersion", "cacheStatus", status, count AS n, "costUsd" AS cost, "tokensIn" AS tin, "ttftCount" AS tc,
            escalations AS esc, "latencyHist" AS hist FROM "DecisionRollup" WHERE "apiKeyId" = $1`,
    [apiKeyId],
  );
  const sums = new Map<string, Record<string, unknown> & { n: number; cost: number; tin: number; tc: number; esc: number; hist: number[] }>();
  for (const r of hourly.rows) {
    const day = new Date(Date.UTC(r.bucket.getUTCFullYear(), r.bucket.getUTCMonth(), r.bucket.getUTCDate()));
    const k = JSON.stringify([day, r.tier, r.band, r.policyVersion, r.cacheStatus, r.status]);
    const cur = sums.get(k) ?? { day, tier: r.tier, band: r.band, policyVersion: r.policyVersion, cacheStatus: r.cacheStatus, status: r.status, n: 0, cost: 0, tin: 0, tc: 0, esc: 0, hist: [] };
    Object.assign(cur, { n: cur.n + r.n, cost: cur.cost + r.cost, tin: cur.tin + r.tin, tc: cur.tc + r.tc, esc: cur.esc + r.esc, hist: addHistograms(cur.hist, r.hist) });
    sums.set(k, cur);
  }
  const perDay = [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  const daily = await db.query(
    `SELECT bucket AS day, tier, band, "policyVersion", "cacheStatus", status, count AS n, "costUsd" AS cost, "tokensIn" AS tin, "ttftCount" AS tc,
            escalations AS esc, "latencyHist" AS hist
       FROM "DecisionRollupDaily" WHERE "apiKeyId" = $1 `,
    [apiKeyId],
  );
  const attempts = await db.query(
    `SELECT a."tierName" AS tier, a.outcome, date_trunc('hour', a."createdAt", 'UTC') AS bucket, count(*)::int AS n
       FROM "DecisionAttempt" a JOIN "Decision" d ON d.id = a."decisionId" AND d."createdAt" = a."createdAt"
      WHERE d."apiKeyId" = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    [apiKeyId],
  );
  const attemptRollup = await db.query(
    `SELECT tier, outcome, bucket, count AS n FROM "AttemptRollup" WHERE tier LIKE $1 ORDER BY 1, 2, 3`,
    [`${apiKeyId}-t%`],
  );
  const byKey = (r: Record<string, unknown>) => JSON.stringify([r.day, r.tier, r.band, r.policyVersion, r.cacheStatus, r.status]);
  const dailyRows = [...daily.rows].sort((a, b) => (byKey(a) < byKey(b) ? -1 : 1));
  return { perDay, daily: dailyRows, attempts: attempts.rows, attemptRollup: attemptRollup.rows };
}

describe('daily and attempt rollup deltas', () => {
  it('daily deltas are the hourly ones summed per UTC day; attempt deltas count attempts per hour, tier and outcome', () => {
    const ds = decisions('pure');
    const hourly = rollupDeltas(ds);
    const daily = dailyDeltas(hourly);
    expect(new Set(daily.map((d) => d.bucket))).toEqual(new Set(['2026-11-27T00:00:00.000Z', '2026-11-28T00:00:00.000Z', '2026-11-29T00:00:00.000Z', '2026-11-30T00:00:00.000Z']));
    expect(daily.reduce((s, d) => s + d.count, 0)).toBe(60);
    expect(daily.reduce((s, d) => s + d.latencyHist.reduce((a, b) => a + b, 0), 0)).toBe(60);
    for (const day of daily) {
      const same = hourly.filter((h) => h.bucket.slice(0, 10) === day.bucket.slice(0, 10) && h.tier === day.tier && h.band === day.band && h.policyVersion === day.policyVersion && h.cacheStatus === day.cacheStatus && h.status === day.status);
      expect(day.count).toBe(same.reduce((s, h) => s + h.count, 0));
      expect(day.tokensIn).toBe(same.reduce((s, h) => s + h.tokensIn, 0));
    }
    const keys = daily.map((d) => JSON.stringify([d.bucket, d.apiKeyId, d.tier, d.band, d.policyVersion, d.cacheStatus, d.status]));
    expect(new Set(keys).size).toBe(keys.length);
    const att = attemptDeltas(ds);
    expect(att.reduce((s, a) => s + a.count, 0)).toBe(ds.reduce((s, d) => s + d.attempts.length, 0));
    expect(att.filter((a) => a.outcome === 'bad_answer').reduce((s, a) => s + a.count, 0)).toBe(20);
  });
});

describe('daily and attempt rollups in Postgres', () => {
  it('the recorder keeps them equal to the hourly rollups and the attempts, also when a batch is written twice', async () => {
    const key = `daily-${uuidv7()}`;
    const ds = records(key);
    const rec = createRecorder({ url, spoolDir: mkdtempSync(join(tmpdir(), 'daily-spool-')), batchSize: 16, flushMs: 5 });
    ds.forEach((d) => rec.record(d));
    await rec.close();
    // The same decisions again (a replay): nothing may be counted twice.
    const again = createRecorder({ url, spoolDir: mkdtempSync(join(tmpdir(), 'daily-spool-')), batchSize: 25, flushMs: 5 });
    ds.slice(10, 40).forEach((d) => again.record(d));
    await again.close();
    const c = await compare(key);
    expect(c.daily.length).toBeGreaterThan(0);
    expect(c.daily).toEqual(c.perDay);
    expect(c.daily.reduce((s, r) => s + r.n, 0)).toBe(60);
    expect(c.attemptRollup).toEqual(c.attempts);
  });

  it('the bulk load (seed-demo) keeps them equal too', async () => {
    const key = `daily-${uuidv7()}`;
    const ds = decisions(key);
    await bulkLoad(db, [ds.slice(0, 25), ds.slice(25)], { concurrency: 2 });
    const c = await compare(key);
    expect(c.daily).toEqual(c.perDay);
    expect(c.attemptRollup).toEqual(c.attempts);
  });
});
