// Fixed latency buckets and rollup deltas: pure functions, checked against hand-computed values.
import { describe, expect, it } from 'vitest';
import { addHistograms, bucketOf, emptyHistogram, HIST_BUCKETS, histogramQuantile, LATENCY_BOUNDS_MS } from './histogram';
import { uuidv7 } from './ids';
import { normalizeDecision } from './normalize';
import { rollupDeltas } from './rollup';
import type { DecisionRecord } from './types';

describe('latency histogram', () => {
  it('has increasing bounds from 10 ms and an open last bucket', () => {
    expect(LATENCY_BOUNDS_MS[0]).toBe(10);
    expect(LATENCY_BOUNDS_MS.every((b, i) => i === 0 || b > LATENCY_BOUNDS_MS[i - 1])).toBe(true);
    expect(HIST_BUCKETS).toBe(LATENCY_BOUNDS_MS.length + 1);
  });

  it('puts values on a bound into that bucket, and bad values into the first', () => {
    expect(bucketOf(10)).toBe(0);
    expect(bucketOf(11)).toBe(1);
    expect(bucketOf(LATENCY_BOUNDS_MS[5])).toBe(5);
    expect(bucketOf(1e9)).toBe(HIST_BUCKETS - 1);
    expect(bucketOf(NaN)).toBe(0);
    expect(bucketOf(-5)).toBe(0);
  });

  it('estimates quantiles by interpolating inside a bucket', () => {
    const h = emptyHistogram();
    h[bucketOf(100)] = 50; // (91, 113]
    h[bucketOf(1000)] = 50; // (905, 1024]
    const lo = LATENCY_BOUNDS_MS[bucketOf(100) - 1];
    const hi = LATENCY_BOUNDS_MS[bucketOf(100)];
    expect(histogramQuantile(h, 0.25)).toBeCloseTo(lo + 0.5 * (hi - lo), 6);
    expect(histogramQuantile(h, 0.95)!).toBeGreaterThan(900);
    expect(histogramQuantile(emptyHistogram(), 0.5)).toBeNull();
    expect(addHistograms(h, h)[bucketOf(100)]).toBe(100);
  });
});

describe('rollupDeltas', () => {
  const base: Omit<DecisionRecord, 'id'> = {
    createdAt: new Date('2026-11-28T10:15:00Z'), principalId: null, apiKeyId: 'k1', source: 'api', promptHash: 'h', promptPreview: 'p',
    band: 'simple', score: 0.1, probs: null, signals: null, policyVersion: 3, plan: null, finalTier: 'small', cacheStatus: 'miss',
    tokensIn: 10, tokensOut: 20, costUsd: 0.5, baselineCostUsd: 2, latencyMs: 100, ttftMs: 40, status: 'ok', errorCode: null, escalations: 1, attempts: [],
  };
  it('groups by hour and dimensions, with empty strings for absent ones', () => {
    const rows = [
      { ...base },
      { ...base, createdAt: new Date('2026-11-28T10:59:59Z'), ttftMs: null, latencyMs: 1000 },
      { ...base, createdAt: new Date('2026-11-28T11:00:00Z') },
      { ...base, apiKeyId: null, finalTier: null, band: null, policyVersion: null },
    ].map((d) => normalizeDecision({ ...d, id: uuidv7() })!);
    const deltas = rollupDeltas(rows);
    expect(deltas).toHaveLength(3);
    const ten = deltas.find((d) => d.bucket === '2026-11-28T10:00:00.000Z' && d.apiKeyId === 'k1')!;
    expect(ten).toMatchObject({ count: 2, costUsd: 1, baselineCostUsd: 4, tokensIn: 20, latencySumMs: 1100, ttftSumMs: 40, ttftCount: 1, escalations: 2 });
    expect(ten.latencyHist[bucketOf(100)]).toBe(1);
    expect(ten.latencyHist[bucketOf(1000)]).toBe(1);
    expect(deltas.find((d) => d.apiKeyId === '')).toMatchObject({ tier: '', band: '', policyVersion: 0, count: 1 });
  });
});
