// Pure data preparation for traffic, cache and escalation charts.
import { BANDS } from '../complexity/types';
import { bucketKey, bucketRange, ratio } from './stats';
import type { EscalationReasonRow, Granularity, RollupRow } from './types';
import type { StackedSeries } from './prepare-cost';

/** Requests per bucket stacked by complexity band, in band order (simple..research, then unknown). */
export function prepareTrafficByBand(rows: readonly RollupRow[], range: { from: Date; to: Date }, g: Granularity): StackedSeries {
  const by = new Map<string, Map<string, number>>();
  let sawUnknown = false;
  for (const r of rows) {
    const band = r.band ?? 'unknown';
    if (!r.band) sawUnknown = true;
    const key = bucketKey(r.bucket, g);
    const m = by.get(key) ?? new Map<string, number>();
    m.set(band, (m.get(band) ?? 0) + r.requests);
    by.set(key, m);
  }
  const keys: string[] = [...BANDS, ...(sawUnknown ? ['unknown'] : [])];
  const points = bucketRange(range.from, range.to, g).map((t) => {
    const p: { t: string } & Record<string, number | string> = { t };
    for (const k of keys) p[k] = by.get(t)?.get(k) ?? 0;
    return p;
  });
  return { keys, points };
}

export interface ShareSlice {
  name: string;
  value: number;
  share: number;
}

/** Share of requests answered by each tier, largest first. Empty without traffic. */
export function prepareTierMix(rows: readonly RollupRow[]): ShareSlice[] {
  const m = new Map<string, number>();
  let total = 0;
  for (const r of rows) {
    const k = r.tier ?? '(none)';
    m.set(k, (m.get(k) ?? 0) + r.requests);
    total += r.requests;
  }
  if (total <= 0) return [];
  return [...m.entries()]
    .filter(([, v]) => v > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, value]) => ({ name, value, share: value / total }));
}

export interface RatePoint {
  t: string;
  requests: number;
  /** 0..1 or null for buckets without traffic (a gap, not a fake zero). */
  rate: number | null;
  /** The count `rate` is of (cache hits, escalated requests): cards sum these, never the rows. */
  count: number;
  exact?: number | null;
  semantic?: number | null;
}

/** Cache hit rate per bucket, split into exact and semantic hits. */
export function prepareCacheHitRate(rows: readonly RollupRow[], range: { from: Date; to: Date }, g: Granularity): { points: RatePoint[]; overall: number | null } {
  const by = new Map<string, { n: number; exact: number; semantic: number }>();
  let n = 0;
  let hits = 0;
  for (const r of rows) {
    const key = bucketKey(r.bucket, g);
    const b = by.get(key) ?? { n: 0, exact: 0, semantic: 0 };
    b.n += r.requests;
    b.exact += r.cacheExact;
    b.semantic += r.cacheSemantic;
    by.set(key, b);
    n += r.requests;
    hits += r.cacheExact + r.cacheSemantic;
  }
  const points = bucketRange(range.from, range.to, g).map((t) => {
    const b = by.get(t) ?? { n: 0, exact: 0, semantic: 0 };
    return { t, requests: b.n, count: b.exact + b.semantic, rate: ratio(b.exact + b.semantic, b.n), exact: ratio(b.exact, b.n), semantic: ratio(b.semantic, b.n) };
  });
  return { points, overall: ratio(hits, n) };
}

/** Escalation rate per bucket and the reasons, most frequent first, with their shares. */
export function prepareEscalations(
  rows: readonly RollupRow[],
  reasons: readonly EscalationReasonRow[],
  range: { from: Date; to: Date },
  g: Granularity,
): { points: RatePoint[]; overall: number | null; reasons: ShareSlice[] } {
  const by = new Map<string, { n: number; e: number }>();
  let n = 0;
  let e = 0;
  for (const r of rows) {
    const key = bucketKey(r.bucket, g);
    const b = by.get(key) ?? { n: 0, e: 0 };
    b.n += r.requests;
    b.e += r.escalated;
    by.set(key, b);
    n += r.requests;
    e += r.escalated;
  }
  const points = bucketRange(range.from, range.to, g).map((t) => {
    const b = by.get(t) ?? { n: 0, e: 0 };
    return { t, requests: b.n, count: b.e, rate: ratio(b.e, b.n) };
  });
  const merged = new Map<string, number>();
  for (const r of reasons) if (r.count > 0) merged.set(r.reason || 'unknown', (merged.get(r.reason || 'unknown') ?? 0) + r.count);
  const total = [...merged.values()].reduce((s, v) => s + v, 0);
  const slices = [...merged.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name, value]) => ({ name, value, share: value / total }));
  return { points, overall: ratio(e, n), reasons: slices };
}
