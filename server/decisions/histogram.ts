// Fixed, logarithmic latency buckets of DecisionRollup.latencyHist. Fixed bounds make histograms of
// different hours and keys addable element-wise, so p50/p95 over any range come from rollups alone.
// Bucket i counts latencies in (LATENCY_BOUNDS_MS[i-1], LATENCY_BOUNDS_MS[i]]; the last bucket is
// everything above the last bound. Changing the bounds requires rebuilding the rollups.

/** 10 ms * 2^(i/2), i = 0..26: 10 ms .. ~82 s, about 41% apart. */
export const LATENCY_BOUNDS_MS: readonly number[] = Array.from({ length: 27 }, (_, i) => Math.round(10 * 2 ** (i / 2)));
export const HIST_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

export function emptyHistogram(): number[] {
  return new Array<number>(HIST_BUCKETS).fill(0);
}

/** Index of the bucket that counts `ms` (negative or non-finite values count as 0 ms). */
export function bucketOf(ms: number): number {
  const v = Number.isFinite(ms) && ms > 0 ? ms : 0;
  let lo = 0;
  let hi = LATENCY_BOUNDS_MS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= LATENCY_BOUNDS_MS[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Element-wise sum; shorter or missing arrays count as zeros. */
export function addHistograms(a: readonly number[], b: readonly number[]): number[] {
  const out = emptyHistogram();
  for (let i = 0; i < HIST_BUCKETS; i++) out[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return out;
}

/**
 * The q-quantile (0..1) estimated from a histogram, interpolating linearly inside the bucket
 * (the open last bucket reports its lower bound). null for an empty histogram.
 */
export function histogramQuantile(hist: readonly number[], q: number): number | null {
  const total = hist.reduce((s, n) => s + n, 0);
  if (total <= 0 || !Number.isFinite(q)) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const n = hist[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BOUNDS_MS[i - 1];
      if (i >= LATENCY_BOUNDS_MS.length) return lower;
      const upper = LATENCY_BOUNDS_MS[i];
      return lower + ((rank - seen) / n) * (upper - lower);
    }
    seen += n;
  }
  return LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1];
}
