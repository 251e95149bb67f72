// Pure data preparation for the cost charts: rollup rows in, chart-ready series out.
import { bucketKey, bucketRange, ratio, roundUsd } from './stats';
import type { Granularity, RollupRow } from './types';

export interface StackedSeries {
  /** Series names in a stable order (largest total first), one stacked area each. */
  keys: string[];
  /** One point per bucket: `{ t, [key]: value }`. */
  points: Array<{ t: string } & Record<string, number | string>>;
}

const UNKNOWN_TIER = '(none)';

/** Cost per bucket stacked by final tier. Buckets without traffic are present with zeros. */
export function prepareCostByTier(rows: readonly RollupRow[], range: { from: Date; to: Date }, g: Granularity): StackedSeries {
  const totals = new Map<string, number>();
  const byBucket = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const tier = r.tier ?? UNKNOWN_TIER;
    const key = bucketKey(r.bucket, g);
    totals.set(tier, (totals.get(tier) ?? 0) + r.costUsd);
    const m = byBucket.get(key) ?? new Map<string, number>();
    m.set(tier, (m.get(tier) ?? 0) + r.costUsd);
    byBucket.set(key, m);
  }
  const keys = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
  const points = bucketRange(range.from, range.to, g).map((t) => {
    const m = byBucket.get(t);
    const p: { t: string } & Record<string, number | string> = { t };
    for (const k of keys) p[k] = roundUsd(m?.get(k) ?? 0);
    return p;
  });
  return { keys, points };
}

export interface SavingsPoint {
  t: string;
  cost: number;
  baseline: number;
  saved: number;
  cumulativeSaved: number;
  cumulativeBaseline: number;
}

export interface SavingsSummary {
  points: SavingsPoint[];
  totalCost: number;
  totalBaseline: number;
  totalSaved: number;
  /** Share of the baseline saved overall, null without traffic. */
  savedShare: number | null;
  /** Where the savings came from, as shares of the baseline (can be negative for escalations). */
  byRouting: number | null;
  byCache: number | null;
  lostToEscalation: number | null;
}

/**
 * Savings against always sending every request to the large tier. Routing saves
 * baseline - cost - cacheSaved - escalation loss on model-answered traffic; the cache saves the
 * baseline of cached answers; escalations lose the money spent on attempts that were thrown away.
 */
export function prepareSavings(rows: readonly RollupRow[], range: { from: Date; to: Date }, g: Granularity): SavingsSummary {
  const by = new Map<string, { cost: number; baseline: number }>();
  let cost = 0;
  let baseline = 0;
  let cache = 0;
  let escalation = 0;
  for (const r of rows) {
    const key = bucketKey(r.bucket, g);
    const b = by.get(key) ?? { cost: 0, baseline: 0 };
    b.cost += r.costUsd;
    b.baseline += r.baselineCostUsd;
    by.set(key, b);
    cost += r.costUsd;
    baseline += r.baselineCostUsd;
    cache += r.cacheSavedUsd;
    escalation += r.escalationCostUsd;
  }
  let cumSaved = 0;
  let cumBase = 0;
  const points = bucketRange(range.from, range.to, g).map((t) => {
    const b = by.get(t) ?? { cost: 0, baseline: 0 };
    const saved = b.baseline - b.cost;
    cumSaved += saved;
    cumBase += b.baseline;
    return { t, cost: roundUsd(b.cost), baseline: roundUsd(b.baseline), saved: roundUsd(saved), cumulativeSaved: roundUsd(cumSaved), cumulativeBaseline: roundUsd(cumBase) };
  });
  const totalSaved = baseline - cost;
  const routing = totalSaved - cache + escalation;
  return {
    points,
    totalCost: roundUsd(cost),
    totalBaseline: roundUsd(baseline),
    totalSaved: roundUsd(totalSaved),
    savedShare: ratio(totalSaved, baseline),
    byRouting: ratio(routing, baseline),
    byCache: ratio(cache, baseline),
    lostToEscalation: ratio(escalation, baseline),
  };
}
