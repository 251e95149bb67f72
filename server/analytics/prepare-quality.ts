// Pure data preparation for success-rate and latency charts.
import { BANDS, type Band } from '../complexity/types';
import { bucketKey, bucketRange, histPercentile, mergeHist, ratio, wilson } from './stats';
import { LATENCY_BUCKETS_MS, type Granularity, type LatencyInput, type PolicyChange, type RollupRow } from './types';

export interface SuccessCell {
  tier: string;
  band: Band;
  rated: number;
  rate: number | null;
  low: number | null;
  high: number | null;
}

/**
 * Success rate (share of thumbs-up among rated answers) for every tier x band with a Wilson 95%
 * interval. Cells without ratings are kept (rate null) so the grid has no holes.
 */
export function prepareSuccessMatrix(rows: readonly RollupRow[]): { tiers: string[]; bands: Band[]; cells: SuccessCell[] } {
  const m = new Map<string, { up: number; down: number }>();
  const tiers = new Set<string>();
  for (const r of rows) {
    if (!r.tier || !r.band) continue;
    tiers.add(r.tier);
    const k = `${r.tier}\u0000${r.band}`;
    const c = m.get(k) ?? { up: 0, down: 0 };
    c.up += r.ratedUp;
    c.down += r.ratedDown;
    m.set(k, c);
  }
  const tierList = [...tiers].sort();
  const cells: SuccessCell[] = [];
  for (const tier of tierList) {
    for (const band of BANDS) {
      const c = m.get(`${tier}\u0000${band}`) ?? { up: 0, down: 0 };
      const n = c.up + c.down;
      const w = wilson(c.up, n);
      cells.push({ tier, band, rated: n, rate: w?.rate ?? null, low: w?.low ?? null, high: w?.high ?? null });
    }
  }
  return { tiers: tierList, bands: [...BANDS], cells };
}

export interface LatencyRow {
  tier: string;
  requests: number;
  p50: number | null;
  p95: number | null;
  /** Mean time to first token: the rollups keep its sum and count, not a histogram. */
  ttftMean: number | null;
}

/** Latency percentiles (from merged histograms) and mean time to first token, per tier. */
export function prepareLatencyByTier(rows: readonly LatencyInput[], bounds: readonly number[] = LATENCY_BUCKETS_MS): LatencyRow[] {
  const m = new Map<string, { n: number; lat: number[]; ttftSum: number; ttftN: number }>();
  for (const r of rows) {
    const k = r.tier || '(none)';
    const a = m.get(k) ?? { n: 0, lat: [], ttftSum: 0, ttftN: 0 };
    a.n += r.requests;
    mergeHist(a.lat, r.latencyHist);
    a.ttftSum += r.ttftSumMs;
    a.ttftN += r.ttftCount;
    m.set(k, a);
  }
  return [...m.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([tier, a]) => ({
      tier,
      requests: a.n,
      p50: round1(histPercentile(a.lat, 0.5, bounds)),
      p95: round1(histPercentile(a.lat, 0.95, bounds)),
      ttftMean: round1(ratio(a.ttftSum, a.ttftN)),
    }));
}

export interface SuccessPoint {
  /** Bucket key (UTC), as on the other charts. */
  t: string;
  /** Bucket start, ms since the epoch: the x position on a time axis. */
  at: number;
  success: number | null;
}

export interface ThresholdStep {
  /** From this instant (ms since the epoch) until the next step, these thresholds were active. */
  at: number;
  version: number | null;
  t1: number | null;
  t2: number | null;
  t3: number | null;
}

export interface ThresholdHistory {
  success: SuccessPoint[];
  /** Steps over [from, to]: the version active at `from`, every activation inside, and a last step at `to`. */
  steps: ThresholdStep[];
}

/**
 * Overall success rate per bucket, and the thresholds actually active over the range as steps at
 * the exact activation times (not one value per bucket: a version activated at 10:20 and rolled
 * back at 14:40 the same day would vanish from a daily series, which hid exactly the bad versions
 * worth seeing). Every policy change — save, tuner change, rollback — activates a version at its
 * `activatedAt`; a rollback re-activating older thresholds is just the next activation, so the
 * steps follow activation time, never version numbers. Before the first known policy: null.
 */
export function prepareThresholdHistory(
  rows: readonly RollupRow[],
  changes: readonly PolicyChange[],
  range: { from: Date; to: Date },
  g: Granularity,
): ThresholdHistory {
  const by = new Map<string, { up: number; down: number }>();
  for (const r of rows) {
    const k = bucketKey(r.bucket, g);
    const c = by.get(k) ?? { up: 0, down: 0 };
    c.up += r.ratedUp;
    c.down += r.ratedDown;
    by.set(k, c);
  }
  const success = bucketRange(range.from, range.to, g).map((t) => {
    const c = by.get(t) ?? { up: 0, down: 0 };
    const n = c.up + c.down;
    return { t, at: Date.parse(g === 'day' ? `${t}T00:00:00.000Z` : `${t}:00.000Z`), success: n > 0 ? c.up / n : null };
  });
  const from = range.from.getTime();
  const to = range.to.getTime();
  // Stable sort: activations at the same instant keep their order (the later version wins).
  const sorted = changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.activatedAt.getTime() - b.c.activatedAt.getTime() || a.c.version - b.c.version || a.i - b.i)
    .map(({ c }) => c);
  const step = (at: number, p: PolicyChange | undefined): ThresholdStep => ({
    at, version: p?.version ?? null, t1: p?.thresholds.t1 ?? null, t2: p?.thresholds.t2 ?? null, t3: p?.thresholds.t3 ?? null,
  });
  let active: PolicyChange | undefined;
  for (const p of sorted) if (p.activatedAt.getTime() <= from) active = p;
  const steps: ThresholdStep[] = [step(from, active)];
  for (const p of sorted) {
    const at = p.activatedAt.getTime();
    if (at <= from || at > to) continue;
    // Two activations at the same instant: only the last one was ever in force.
    if (steps[steps.length - 1].at === at) steps.pop();
    steps.push(step(at, p));
    active = p;
  }
  if (steps[steps.length - 1].at < to) steps.push(step(to, active));
  return { success, steps };
}

/** Histogram of recent complexity scores in `bins` equal bins over [0, 1], for the policy editor. */
export function prepareScoreHistogram(scores: readonly number[], bins = 40): Array<{ x0: number; x1: number; count: number }> {
  const n = Math.max(1, Math.floor(bins));
  const out = Array.from({ length: n }, (_, i) => ({ x0: i / n, x1: (i + 1) / n, count: 0 }));
  for (const s of scores) {
    if (!Number.isFinite(s)) continue;
    const i = Math.min(n - 1, Math.max(0, Math.floor(s * n)));
    out[i].count++;
  }
  return out;
}

function round1(x: number | null): number | null {
  return x === null ? null : Math.round(x * 10) / 10;
}
