import { describe, expect, it } from 'vitest';
import { prepareCostByTier, prepareSavings } from './prepare-cost';
import { prepareCacheHitRate, prepareEscalations, prepareTierMix, prepareTrafficByBand } from './prepare-traffic';
import { prepareLatencyByTier, prepareScoreHistogram, prepareSuccessMatrix, prepareThresholdHistory } from './prepare-quality';
import type { RollupRow } from './types';

function row(p: Partial<RollupRow> & { bucket: Date }): RollupRow {
  return {
    tier: 'small', band: 'simple', apiKeyId: null, policyVersion: 1, requests: 0, errors: 0, cacheExact: 0, cacheSemantic: 0,
    escalated: 0, costUsd: 0, baselineCostUsd: 0, escalationCostUsd: 0, cacheSavedUsd: 0, tokensIn: 0, tokensOut: 0,
    ratedUp: 0, ratedDown: 0, ...p,
  };
}
const d = (s: string) => new Date(s);
const range = { from: d('2026-01-01T00:00:00Z'), to: d('2026-01-03T12:00:00Z') };

describe('prepareCostByTier', () => {
  it('stacks cost per day by tier, fills empty days with zeros, orders tiers by total', () => {
    const s = prepareCostByTier(
      [
        row({ bucket: d('2026-01-01T03:00:00Z'), tier: 'small', costUsd: 0.1 }),
        row({ bucket: d('2026-01-01T05:00:00Z'), tier: 'small', costUsd: 0.2 }),
        row({ bucket: d('2026-01-03T05:00:00Z'), tier: 'large', costUsd: 1 }),
      ],
      range,
      'day',
    );
    expect(s.keys).toEqual(['large', 'small']);
    expect(s.points.map((p) => p.t)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(s.points[0]).toEqual({ t: '2026-01-01', large: 0, small: 0.3 });
    expect(s.points[1]).toEqual({ t: '2026-01-02', large: 0, small: 0 });
  });
  it('has hourly buckets', () => {
    const s = prepareCostByTier([], { from: d('2026-01-01T00:10:00Z'), to: d('2026-01-01T02:00:00Z') }, 'hour');
    expect(s.points.map((p) => p.t)).toEqual(['2026-01-01T00:00', '2026-01-01T01:00', '2026-01-01T02:00']);
    expect(s.keys).toEqual([]);
  });
});

describe('prepareSavings', () => {
  it('computes daily and cumulative savings and splits them by cause', () => {
    const s = prepareSavings(
      [
        row({ bucket: d('2026-01-01T01:00:00Z'), costUsd: 1, baselineCostUsd: 5, cacheSavedUsd: 1, escalationCostUsd: 0.5 }),
        row({ bucket: d('2026-01-03T01:00:00Z'), costUsd: 2, baselineCostUsd: 5 }),
      ],
      range,
      'day',
    );
    expect(s.points.map((p) => p.saved)).toEqual([4, 0, 3]);
    expect(s.points.map((p) => p.cumulativeSaved)).toEqual([4, 4, 7]);
    expect(s.totalSaved).toBe(7);
    expect(s.savedShare).toBeCloseTo(0.7);
    expect(s.byCache).toBeCloseTo(0.1);
    expect(s.lostToEscalation).toBeCloseTo(0.05);
    // routing + cache - escalation adds up to the total share saved
    expect(s.byRouting! + s.byCache! - s.lostToEscalation!).toBeCloseTo(s.savedShare!);
  });
  it('returns null shares, never NaN, without traffic', () => {
    const s = prepareSavings([], range, 'day');
    expect(s.savedShare).toBeNull();
    expect(s.byRouting).toBeNull();
    expect(s.points.every((p) => p.saved === 0)).toBe(true);
  });
});

describe('traffic, cache and escalation', () => {
  const rows = [
    row({ bucket: d('2026-01-01T01:00:00Z'), band: 'simple', tier: 'small', requests: 8, cacheExact: 1, cacheSemantic: 1, escalated: 2 }),
    row({ bucket: d('2026-01-01T02:00:00Z'), band: 'complex', tier: 'large', requests: 2 }),
    row({ bucket: d('2026-01-02T02:00:00Z'), band: null, tier: null, requests: 5 }),
  ];
  it('stacks requests by band in band order and adds unknown only when seen', () => {
    const s = prepareTrafficByBand(rows, range, 'day');
    expect(s.keys).toEqual(['simple', 'moderate', 'complex', 'research', 'unknown']);
    expect(s.points[0]).toMatchObject({ simple: 8, complex: 2, unknown: 0 });
    expect(s.points[1]).toMatchObject({ unknown: 5 });
    expect(prepareTrafficByBand(rows.slice(0, 2), range, 'day').keys).not.toContain('unknown');
  });
  it('computes the tier mix as shares', () => {
    const mix = prepareTierMix(rows);
    expect(mix.map((m) => m.name)).toEqual(['small', '(none)', 'large']);
    expect(mix.reduce((s, m) => s + m.share, 0)).toBeCloseTo(1);
    expect(prepareTierMix([])).toEqual([]);
  });
  it('computes cache hit rate with gaps for empty buckets', () => {
    const c = prepareCacheHitRate(rows, range, 'day');
    expect(c.points[0].rate).toBeCloseTo(0.2);
    expect(c.points[0].exact).toBeCloseTo(0.1);
    expect(c.points[2].rate).toBeNull();
    expect(c.overall).toBeCloseTo(2 / 15);
  });
  it('computes escalation rate and merges reasons', () => {
    const e = prepareEscalations(rows, [{ reason: 'refusal', count: 1 }, { reason: 'timeout', count: 3 }, { reason: 'refusal', count: 1 }, { reason: 'x', count: 0 }], range, 'day');
    expect(e.points[0].rate).toBeCloseTo(0.2);
    expect(e.reasons.map((r) => [r.name, r.value])).toEqual([['timeout', 3], ['refusal', 2]]);
    expect(e.reasons[0].share).toBeCloseTo(0.6);
  });
});

describe('quality', () => {
  it('builds a full tier x band success grid with Wilson intervals', () => {
    const m = prepareSuccessMatrix([
      row({ bucket: d('2026-01-01T01:00:00Z'), tier: 'small', band: 'simple', ratedUp: 9, ratedDown: 1 }),
      row({ bucket: d('2026-01-01T02:00:00Z'), tier: 'small', band: 'simple', ratedUp: 9, ratedDown: 1 }),
    ]);
    expect(m.tiers).toEqual(['small']);
    expect(m.cells).toHaveLength(4);
    const c = m.cells.find((x) => x.band === 'simple')!;
    expect(c.rated).toBe(20);
    expect(c.rate).toBeCloseTo(0.9);
    expect(c.low!).toBeLessThan(0.9);
    expect(c.high!).toBeGreaterThan(0.9);
    expect(c.high!).toBeLessThanOrEqual(1);
    expect(m.cells.find((x) => x.band === 'research')!.rate).toBeNull();
  });
  it('computes latency percentiles per tier from merged histograms', () => {
    // 10 requests: 5 in bucket (0,50], 5 in (50,100]
    const l = prepareLatencyByTier(
      [
        { tier: 'small', requests: 5, latencyHist: [5], ttftSumMs: 100, ttftCount: 5 },
        { tier: 'small', requests: 5, latencyHist: [0, 5], ttftSumMs: 200, ttftCount: 5 },
        { tier: 'large', requests: 0, latencyHist: [], ttftSumMs: 0, ttftCount: 0 },
      ],
      [50, 100, 200],
    );
    expect(l.map((x) => x.tier)).toEqual(['large', 'small']);
    expect(l[0].p50).toBeNull();
    expect(l[0].ttftMean).toBeNull();
    expect(l[1].p50).toBe(50);
    expect(l[1].p95).toBe(95);
    expect(l[1].ttftMean).toBe(30);
  });
  it('overlays the thresholds in force on the success rate', () => {
    const h = prepareThresholdHistory(
      [row({ bucket: d('2026-01-02T01:00:00Z'), ratedUp: 3, ratedDown: 1 })],
      [
        { version: 2, activatedAt: d('2026-01-02T12:00:00Z'), thresholds: { t1: 0.35, t2: 0.6, t3: 0.8 } },
        { version: 1, activatedAt: d('2025-12-01T00:00:00Z'), thresholds: { t1: 0.3, t2: 0.55, t3: 0.8 } },
      ],
      range,
      'day',
    );
    expect(h.success).toEqual([
      { t: '2026-01-01', at: Date.parse('2026-01-01T00:00:00Z'), success: null },
      { t: '2026-01-02', at: Date.parse('2026-01-02T00:00:00Z'), success: 0.75 },
      { t: '2026-01-03', at: Date.parse('2026-01-03T00:00:00Z'), success: null },
    ]);
    expect(h.steps).toEqual([
      { at: range.from.getTime(), version: 1, t1: 0.3, t2: 0.55, t3: 0.8 },
      { at: Date.parse('2026-01-02T12:00:00Z'), version: 2, t1: 0.35, t2: 0.6, t3: 0.8 },
      { at: range.to.getTime(), version: 2, t1: 0.35, t2: 0.6, t3: 0.8 },
    ]);
  });
  it('shows a version that was rolled back the same day, and the re-activated older thresholds after the rollback', () => {
    const v1 = { t1: 0.3, t2: 0.55, t3: 0.8 };
    const v2 = { t1: 0.45, t2: 0.7, t3: 0.9 };
    const h = prepareThresholdHistory(
      [],
      [
        // A rollback writes v3 with v1's thresholds (append-only versions); listed out of order on purpose.
        { version: 3, activatedAt: d('2026-01-02T14:40:00Z'), thresholds: v1 },
        { version: 1, activatedAt: d('2025-12-01T00:00:00Z'), thresholds: v1 },
        { version: 2, activatedAt: d('2026-01-02T10:20:00Z'), thresholds: v2 },
      ],
      range,
      'day',
    );
    // Day buckets used to carry one value each ("in force at the end of the day"): v3 = v1 for
    // 2026-01-02, so v2 never appeared although it routed traffic for four hours.
    expect(h.steps).toEqual([
      { at: range.from.getTime(), version: 1, ...v1 },
      { at: Date.parse('2026-01-02T10:20:00Z'), version: 2, ...v2 },
      { at: Date.parse('2026-01-02T14:40:00Z'), version: 3, ...v1 },
      { at: range.to.getTime(), version: 3, ...v1 },
    ]);
    // The thresholds active at any instant are those of the last step at or before it.
    const activeAt = (iso: string) => [...h.steps].reverse().find((s) => s.at <= Date.parse(iso))!;
    expect(activeAt('2026-01-02T12:00:00Z').version).toBe(2);
    expect(activeAt('2026-01-02T23:00:00Z')).toMatchObject({ version: 3, ...v1 });
  });
  it('re-activating the very same version (an activation event per change) and changes outside the range', () => {
    const a = { t1: 0.2, t2: 0.5, t3: 0.7 };
    const b = { t1: 0.25, t2: 0.5, t3: 0.7 };
    const h = prepareThresholdHistory(
      [],
      [
        { version: 1, activatedAt: d('2026-01-01T06:00:00Z'), thresholds: a },
        { version: 2, activatedAt: d('2026-01-01T08:00:00Z'), thresholds: b },
        { version: 1, activatedAt: d('2026-01-01T09:00:00Z'), thresholds: a },
        { version: 4, activatedAt: d('2026-02-01T00:00:00Z'), thresholds: b },
      ],
      range,
      'hour',
    );
    expect(h.steps.map((s) => [new Date(s.at).toISOString().slice(0, 16), s.version, s.t1])).toEqual([
      ['2026-01-01T00:00', null, null],
      ['2026-01-01T06:00', 1, 0.2],
      ['2026-01-01T08:00', 2, 0.25],
      ['2026-01-01T09:00', 1, 0.2],
      ['2026-01-03T12:00', 1, 0.2],
    ]);
    expect(h.success).toHaveLength(61);
  });
  it('bins scores and ignores non-finite values', () => {
    const h = prepareScoreHistogram([0, 0.05, 0.5, 1, Number.NaN], 10);
    expect(h).toHaveLength(10);
    expect(h[0].count).toBe(2);
    expect(h[5].count).toBe(1);
    expect(h[9].count).toBe(1);
    expect(h.reduce((s, b) => s + b.count, 0)).toBe(4);
  });
});
