// The dashboard's cards against its charts, on seeded rollups through the real tRPC procedure: every
// number on a card is the sum (or ratio of sums) of what the chart beside it draws, including a
// bucket that holds only cache hits and spend at micro-dollar scale; every bucket with traffic has a
// visible rate point; money on axes never reads "$0.0000" for a non-zero amount.
import '../../server/runtime/preload-native';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../../server/api/root';
import { getPrisma } from '../../server/db/client';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { usdFmt } from '../../components/charts/palette';
import { principal, testRuntime } from './helpers';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await testRuntime();
});
afterAll(async () => {
  await stopRuntime();
});

const hour = (ms: number) => new Date(Math.floor(ms / 3_600_000) * 3_600_000);

async function rollup(r: { bucket: Date; tier: string; band: string; cacheStatus?: string; count: number; cost: number; baseline: number; escalations?: number }) {
  await getPrisma().$executeRawUnsafe(
    `INSERT INTO "DecisionRollup" (bucket, "apiKeyId", tier, band, "policyVersion", "cacheStatus", status, count, "costUsd", "baselineCostUsd",
        "tokensIn", "tokensOut", "latencySumMs", "ttftSumMs", "ttftCount", escalations, "latencyHist")
     VALUES ($1, '', $2, $3, 1, $4, 'ok', $5, $6, $7, 0, 0, 0, $8, $5, $9, '{}')`,
    r.bucket, r.tier, r.band, r.cacheStatus ?? 'miss', r.count, r.cost, r.baseline, r.count * 100, r.escalations ?? 0,
  );
}

describe('dashboard cards', () => {
  it('equal the sums of the series their charts draw', async () => {
    const tier = `cards-${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    await rollup({ bucket: hour(now - 5 * 3_600_000), tier, band: 'simple', count: 7, cost: 0.0000035, baseline: 0.00021, escalations: 1 });
    await rollup({ bucket: hour(now - 5 * 3_600_000), tier, band: 'moderate', count: 2, cost: 0.0000012, baseline: 0.00004 });
    // A bucket answered only from the cache: the hit rate chart must show it.
    await rollup({ bucket: hour(now - 2 * 3_600_000), tier, band: 'simple', cacheStatus: 'exact', count: 3, cost: 0, baseline: 0.00009 });
    const caller = createCaller({ runtime, principal: principal('analyst') });
    const d = await caller.analytics.dashboard({ from: new Date(now - 24 * 3_600_000), to: new Date(now), tier });

    const bars = d.traffic.points.reduce((a, p) => a + d.traffic.keys.reduce((b, k) => b + Number(p[k]), 0), 0);
    const costBars = d.cost.points.reduce((a, p) => a + d.cost.keys.reduce((b, k) => b + Number(p[k]), 0), 0);
    expect(d.cards.requests).toBe(12);
    expect(d.cards.requests).toBe(bars);
    expect(d.cards.spentUsd).toBeCloseTo(costBars, 12);
    expect(d.cards.spentUsd).toBeCloseTo(0.0000047, 12);
    expect(d.cards.baselineUsd).toBeCloseTo(d.savings.points.reduce((a, p) => a + p.baseline, 0), 12);
    expect(d.cards.savedUsd).toBeCloseTo(d.cards.baselineUsd - d.cards.spentUsd, 12);
    expect(d.cards.cacheHitRate).toBeCloseTo(3 / 12, 12);
    expect(d.cards.escalationRate).toBeCloseTo(1 / 12, 12);
    // Every bucket with traffic is a visible point of the rate chart, and the points add up to the card.
    const withTraffic = d.cache.points.filter((p) => p.requests > 0);
    expect(withTraffic).toHaveLength(2);
    expect(withTraffic.every((p) => p.rate !== null)).toBe(true);
    expect(withTraffic.map((p) => p.rate)).toEqual([0, 1]);
    // Micro-dollar spend reads as such on the axis and in tooltips.
    expect(usdFmt(d.cards.spentUsd)).toBe('$0.0000047');
    expect(usdFmt(0)).toBe('$0');
    for (const p of d.cost.points) for (const k of d.cost.keys) if (Number(p[k]) > 0) expect(usdFmt(Number(p[k]))).not.toMatch(/^\$0\.0+$/);
  });
});
