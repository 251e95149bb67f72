// Pure success-rate statistics shared by the feedback rollups, the dashboards and the auto-tuner.
// Every function returns finite numbers for any finite input (n = 0 included): never NaN.

export interface Interval {
  rate: number;
  low: number;
  high: number;
  n: number;
}

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a binomial proportion. Chosen over the normal (Wald) interval because it
 * stays inside [0, 1] and behaves at small n and at rates near 0 or 1, which is exactly where a
 * fresh tier or a rarely used band sits. `successes` may be fractional (partial credit ratings).
 */
export function wilson(successes: number, n: number, z = Z95): Interval {
  if (!(n > 0) || !Number.isFinite(n) || !Number.isFinite(successes)) return { rate: 0, low: 0, high: 1, n: 0 };
  const s = Math.min(Math.max(successes, 0), n);
  const p = s / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), n };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf; |error| < 1.5e-7, plenty for a test decision). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

export interface Proportion {
  successes: number;
  n: number;
}

export interface DropTest {
  before: Interval;
  after: Interval;
  /** Pooled two-proportion z statistic, positive when `after` is lower. */
  z: number;
  /** One-sided p-value of "after is lower than before". */
  pValue: number;
  significant: boolean;
}

/**
 * Did the success rate drop after a change? One-sided pooled two-proportion z-test at `alpha`, and,
 * to avoid rolling back on a blip that is statistically significant but tiny, the drop must also
 * exceed `minDrop` in absolute terms.
 */
export function significantDrop(before: Proportion, after: Proportion, opts: { alpha?: number; minDrop?: number; minSamples?: number } = {}): DropTest {
  const alpha = opts.alpha ?? 0.05;
  const minDrop = opts.minDrop ?? 0;
  const minSamples = opts.minSamples ?? 1;
  const b = wilson(before.successes, before.n);
  const a = wilson(after.successes, after.n);
  if (b.n < minSamples || a.n < minSamples) return { before: b, after: a, z: 0, pValue: 1, significant: false };
  const pooled = (Math.min(before.successes, before.n) + Math.min(after.successes, after.n)) / (before.n + after.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / before.n + 1 / after.n));
  const diff = b.rate - a.rate;
  // Everyone succeeded or everyone failed in both windows: no variance, no evidence of a drop.
  const z = se > 0 ? diff / se : 0;
  const pValue = 1 - normalCdf(z);
  return { before: b, after: a, z, pValue, significant: pValue < alpha && diff > minDrop };
}
