// Small statistics used by the prepare functions. Every function returns finite numbers or null,
// never NaN: empty inputs mean "no data", which charts draw as a gap.
import { LATENCY_BUCKETS_MS } from './types';

/** Wilson score interval for a binomial proportion at ~95% (z = 1.96). Null when n = 0. */
export function wilson(successes: number, n: number, z = 1.96): { rate: number; low: number; high: number } | null {
  if (!Number.isFinite(n) || n <= 0) return null;
  const s = Math.min(Math.max(successes, 0), n);
  const p = s / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Adds histogram b into a (in place, growing a as needed) and returns a. */
export function mergeHist(a: number[], b: readonly number[] | null | undefined): number[] {
  if (!b) return a;
  for (let i = 0; i < b.length; i++) a[i] = (a[i] ?? 0) + (Number.isFinite(b[i]) ? b[i] : 0);
  return a;
}

/**
 * Percentile (0..1) from a bucketed histogram, interpolating linearly inside the bucket. The
 * overflow bucket reports its lower bound: we do not know how far beyond it values went.
 */
export function histPercentile(hist: readonly number[], q: number, bounds: readonly number[] = LATENCY_BUCKETS_MS): number | null {
  const total = hist.reduce((s, c) => s + (c > 0 ? c : 0), 0);
  if (total <= 0) return null;
  const rank = Math.min(Math.max(q, 0), 1) * total;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const c = hist[i] > 0 ? hist[i] : 0;
    if (c === 0) continue;
    if (seen + c >= rank) {
      const lo = i === 0 ? 0 : bounds[i - 1];
      if (i >= bounds.length) return bounds[bounds.length - 1];
      const hi = bounds[i];
      return lo + ((rank - seen) / c) * (hi - lo);
    }
    seen += c;
  }
  return bounds[bounds.length - 1];
}

/** Ratio that is null instead of NaN/Infinity when the denominator is 0. */
export function ratio(num: number, den: number): number | null {
  return den > 0 && Number.isFinite(num) ? num / den : null;
}

/** Key of the day or hour bucket a date falls in (UTC), as ISO text that sorts correctly. */
export function bucketKey(d: Date, g: 'hour' | 'day'): string {
  const iso = d.toISOString();
  return g === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 13)}:00`;
}

/** Every bucket key from `from` to `to` inclusive, so charts show empty periods as zero, not a jump. */
export function bucketRange(from: Date, to: Date, g: 'hour' | 'day', max = 24 * 400): string[] {
  const step = g === 'day' ? 86_400_000 : 3_600_000;
  const start = g === 'day' ? Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()) : Math.floor(from.getTime() / step) * step;
  const keys: string[] = [];
  for (let t = start; t <= to.getTime() && keys.length < max; t += step) keys.push(bucketKey(new Date(t), g));
  return keys;
}

/**
 * Rounds money for display data without float noise, to 1e-10 USD: requests on small models cost
 * micro-dollars, so rounding to 1e-6 per bucket turned 3.5 µ$ into 4 µ$ and a day of them into
 * visible error between a card and its chart.
 */
export function roundUsd(x: number): number {
  return Math.round(x * 1e10) / 1e10;
}
