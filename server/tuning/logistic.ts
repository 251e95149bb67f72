// Logistic regression p(x) = sigmoid(a + b x) by Newton's method with a small ridge penalty. The
// low-variance alternative to isotonic fits when a tier has few ratings: two parameters per tier.

export interface LogisticFit {
  a: number;
  b: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Fits on (x, y in [0,1], weight). `ridge` shrinks b (the slope) toward 0, i.e. toward a constant rate. */
export function fitLogistic(xs: readonly number[], ys: readonly number[], ws?: readonly number[], ridge = 1): LogisticFit {
  let a = 0;
  let b = 0;
  const n = xs.length;
  if (n === 0) return { a: 0, b: 0 };
  for (let iter = 0; iter < 50; iter++) {
    // Gradient and Hessian of the penalised negative log-likelihood.
    let ga = 0;
    let gb = ridge * b;
    let haa = 1e-6;
    let hab = 0;
    let hbb = ridge + 1e-6;
    for (let i = 0; i < n; i++) {
      const w = ws ? ws[i] : 1;
      const p = sigmoid(a + b * xs[i]);
      const r = w * (p - ys[i]);
      ga += r;
      gb += r * xs[i];
      const v = w * p * (1 - p);
      haa += v;
      hab += v * xs[i];
      hbb += v * xs[i] * xs[i];
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-12)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    // Clamp the step: separable data would otherwise push the parameters to infinity.
    a -= Math.max(-5, Math.min(5, da));
    b -= Math.max(-5, Math.min(5, db));
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return { a, b };
}

export function evalLogistic(fit: LogisticFit, x: number): number {
  return sigmoid(fit.a + fit.b * x);
}
