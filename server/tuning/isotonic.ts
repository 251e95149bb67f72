// Isotonic regression by pool-adjacent-violators (PAVA), weighted. Used to estimate a tier's success
// probability as a function of the complexity score without assuming a shape beyond monotonicity.

export interface Point {
  x: number;
  y: number;
  w?: number;
}

/** A fitted monotone step function: block boundaries (by x) and the block means. */
export interface StepFit {
  /** Lowest x of each block, ascending. */
  xs: number[];
  /** Fitted value of each block. */
  ys: number[];
  direction: 'increasing' | 'decreasing';
  /** Weighted sum of squared residuals of the fit. */
  sse: number;
}

/** Weighted PAVA. Points are sorted by x; ties are pooled into one block (same x, same value). */
export function pava(points: readonly Point[], direction: 'increasing' | 'decreasing'): StepFit {
  const sorted = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (p.w ?? 1) > 0).sort((a, b) => a.x - b.x);
  const sign = direction === 'increasing' ? 1 : -1;
  // Each block: start x, weighted sum, weight.
  const bx: number[] = [];
  const bs: number[] = [];
  const bw: number[] = [];
  for (const p of sorted) {
    const w = p.w ?? 1;
    if (bx.length > 0 && bx[bx.length - 1] === p.x) {
      bs[bs.length - 1] += w * p.y;
      bw[bw.length - 1] += w;
    } else {
      bx.push(p.x);
      bs.push(w * p.y);
      bw.push(w);
    }
    // Pool while the last two blocks violate the order.
    while (bx.length > 1) {
      const n = bx.length;
      const last = bs[n - 1] / bw[n - 1];
      const prev = bs[n - 2] / bw[n - 2];
      if (sign * (last - prev) >= 0) break;
      bs[n - 2] += bs[n - 1];
      bw[n - 2] += bw[n - 1];
      bx.pop();
      bs.pop();
      bw.pop();
    }
  }
  const ys = bs.map((s, i) => s / bw[i]);
  let sse = 0;
  let b = 0;
  for (const p of sorted) {
    while (b + 1 < bx.length && bx[b + 1] <= p.x) b++;
    sse += (p.w ?? 1) * (p.y - ys[b]) ** 2;
  }
  return { xs: bx, ys, direction, sse };
}

/**
 * Monotone fit whose direction is chosen by the data (lower squared error) unless given. Success is
 * expected to fall with complexity, but a weak or inverted score (e.g. long multiple-choice prompts
 * that are easy) must not be forced into the wrong shape.
 */
export function fitMonotone(points: readonly Point[], direction: 'increasing' | 'decreasing' | 'auto' = 'auto'): StepFit {
  if (direction !== 'auto') return pava(points, direction);
  const dec = pava(points, 'decreasing');
  const inc = pava(points, 'increasing');
  return inc.sse < dec.sse ? inc : dec;
}

/** Value of a step fit at x (the block containing x; before the first block, the first value). */
export function evalStep(fit: StepFit, x: number, fallback: number): number {
  if (fit.xs.length === 0) return fallback;
  let lo = 0;
  let hi = fit.xs.length - 1;
  if (x < fit.xs[0]) return fit.ys[0];
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fit.xs[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return fit.ys[lo];
}
