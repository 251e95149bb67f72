// The runtime's tuner scheduler, month-to-date spend source and rating history against the test Postgres.
import './preload-native';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, type PrismaClient } from '../db/client';
import { createAnalyzer } from '../complexity';
import { defaultPolicy } from '../routing/policy';
import { dayStart, monthStart, rollupBudgetSource } from './budgets';
import { historyTier, LiveRatingHistory, loadRatedDecisions } from './rating-history';
import { startTunerScheduler } from './tuner-scheduler';

let prisma: PrismaClient;
beforeAll(() => {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set (the vitest global setup provides one)');
  prisma = createPrisma(url, { poolSize: 2 });
});
afterAll(() => prisma.$disconnect());

/** A decision's cost in both rollups, as the decision writer moves them (hour and UTC-day buckets). */
async function spend(apiKeyId: string, usd: number, at = new Date()) {
  const row = { apiKeyId, tier: `t-${randomUUID()}`, band: 'simple', policyVersion: 1, cacheStatus: 'miss', status: 'ok', count: 1, costUsd: usd, baselineCostUsd: usd, tokensIn: 0, tokensOut: 0, latencySumMs: 0, ttftSumMs: 0, ttftCount: 0, escalations: 0, latencyHist: [] };
  await prisma.decisionRollup.create({ data: { ...row, bucket: new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000) } });
  await prisma.decisionRollupDaily.create({ data: { ...row, bucket: dayStart(at) } });
}

describe('rollupBudgetSource', () => {
  it('waits for the database on a first read, then serves from memory until the TTL, then refreshes', async () => {
    const key = `k-${randomUUID()}`;
    await spend(key, 2);
    const src = rollupBudgetSource(prisma, { ttlMs: 60_000 });
    expect(src.spentUsd(key)).toBeInstanceOf(Promise);
    expect(await src.spentUsd(key)).toBe(2);
    await spend(key, 3);
    expect(src.spentUsd(key)).toBe(2); // cached: the request path does not query per request
    src.forget();
    expect(await src.spentUsd(key)).toBe(5);
    const fresh = rollupBudgetSource(prisma, { ttlMs: 0 });
    expect(await fresh.spentUsd(key)).toBe(5);
    await spend(key, 1);
    expect(fresh.spentUsd(key)).toBe(5); // stale is served while the refresh runs behind
    let v: number | Promise<number> = 5;
    for (let i = 0; i < 100 && v === 5; i++) {
      await new Promise((r) => setTimeout(r, 20));
      v = fresh.spentUsd(key);
    }
    expect(v).toBe(6);
  });

  it('sums whole days of the month from the daily rollup and today from the hourly one, each once', async () => {
    const key = `k-${randomUUID()}`;
    const t = new Date('2026-03-17T10:30:00Z');
    await spend(key, 1, new Date('2026-03-01T00:00:00Z')); // first instant of the month counts
    await spend(key, 2, new Date('2026-03-16T23:59:00Z')); // yesterday: daily table
    await spend(key, 4, new Date('2026-03-17T00:10:00Z')); // today: hourly table
    await spend(key, 8, new Date('2026-03-17T10:05:00Z'));
    await spend(key, 100, new Date('2026-02-28T23:59:59Z')); // last month
    expect(await rollupBudgetSource(prisma, { now: () => t }).spentUsd(key)).toBe(15);
    // on the first day of a month only its hours count
    const first = `k-${randomUUID()}`;
    await spend(first, 3, new Date('2026-04-01T02:00:00Z'));
    await spend(first, 50, new Date('2026-03-31T23:00:00Z'));
    expect(await rollupBudgetSource(prisma, { now: () => new Date('2026-04-01T05:00:00Z') }).spentUsd(first)).toBe(3);
    expect(dayStart(new Date('2026-03-31T23:59:59.999Z')).toISOString()).toBe('2026-03-31T00:00:00.000Z');
  });

  it('is 0 for a key that spent nothing and counts from the first instant of the UTC month', async () => {
    expect(await rollupBudgetSource(prisma).spentUsd(`k-${randomUUID()}`)).toBe(0);
    expect(monthStart(new Date('2026-03-31T23:59:59.999Z')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });
});

describe('tuner scheduler', () => {
  it('runs on its interval, never two runs at once, and stops', async () => {
    const s = startTunerScheduler(prisma, { intervalMs: 50, onPolicyChange: async () => undefined });
    try {
      for (let i = 0; i < 200 && !s.last(); i++) await new Promise((r) => setTimeout(r, 25));
      expect(s.last()?.run.action).toEqual(expect.any(String));
      const a = s.runNow();
      const b = s.runNow();
      expect(a).toBe(b);
      await a;
    } finally {
      s.stop();
    }
  });

  it('does not run without an interval until asked', async () => {
    const s = startTunerScheduler(prisma, { intervalMs: 0, onPolicyChange: async () => undefined });
    await new Promise((r) => setTimeout(r, 100));
    expect(s.last()).toBeNull();
    await s.runNow();
    expect(s.last()).not.toBeNull();
    s.stop();
  });
});

describe('rated decisions as analyzer history', () => {
  async function rated(preview: string, finalTier: string, cacheStatus: string, rating: number) {
    const id = randomUUID();
    const createdAt = new Date();
    await prisma.decision.create({
      data: { id, createdAt, source: 'api', promptHash: id, promptPreview: preview, finalTier, cacheStatus, tokensIn: 1, tokensOut: 1, costUsd: 0, baselineCostUsd: 0, latencyMs: 1, status: 'ok', score: 0.5 },
    });
    await prisma.feedback.create({ data: { decisionId: id, decisionCreatedAt: createdAt, raterId: `r-${id}`, rating } });
    return id;
  }

  it('loads explicit ratings on answered decisions (not cache hits) and finds them as neighbours', async () => {
    const tag = randomUUID().slice(0, 8);
    await rated(`Summarise the quarterly grommet ledger ${tag}`, 'small', 'miss', -1);
    await rated(`Summarise the quarterly grommet ledger ${tag} again`, 'medium', 'exact', 1);
    const rows = (await loadRatedDecisions(prisma, 20_000)).filter((r) => r.preview.includes(tag));
    expect(rows).toEqual([{ preview: `Summarise the quarterly grommet ledger ${tag}`, finalTier: 'small', rating: -1 }]);
    const analyzer = await createAnalyzer();
    try {
      const h = new LiveRatingHistory();
      expect(h.add(defaultPolicy(), rows[0])).toBe(false); // not attached yet
      h.attach(analyzer.featureParams);
      expect(h.add(defaultPolicy(), rows[0])).toBe(true);
      expect(h.add(defaultPolicy(), { ...rows[0], finalTier: 'no-such-tier' })).toBe(false);
      const [n] = await h.neighbours(`Summarise the quarterly grommet ledger ${tag}`, 3);
      expect(n).toMatchObject({ outcomes: [{ tier: 'small', success: false }] });
      expect(n.similarity).toBeGreaterThan(0.9);
      expect(historyTier(defaultPolicy(), 'large')).toBe('large');
    } finally {
      await analyzer.close();
    }
  });
});
