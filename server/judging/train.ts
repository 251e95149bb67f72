// Trainer of the answer-quality model. Logistic regression by Newton's method with L2 (exact,
// deterministic, a few milliseconds for a few thousand rows); the optional hidden layer by full-batch
// Adam from seeded initial weights. Same data and options give the same bytes.
import { mulberry32 } from '../lib/random';
import { forward, sigmoid, type QualityModel } from './model';

export interface TrainOptions {
  /** L2 strength on standardised weights (per example). */
  l2?: number;
  hidden?: number;
  seed?: number;
  epochs?: number;
  learningRate?: number;
}

export interface Labeled {
  x: Float32Array;
  /** 1 = acceptable answer. */
  y: number;
  w?: number;
}

function standardise(rows: Labeled[], dim: number): { mean: Float32Array; scale: Float32Array } {
  const mean = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (const r of rows) for (let i = 0; i < dim; i++) mean[i] += r.x[i] / rows.length;
  for (const r of rows) for (let i = 0; i < dim; i++) sq[i] += (r.x[i] - mean[i]) ** 2 / rows.length;
  // Constant features get scale 1: their weight stays 0 under L2 and they cost nothing.
  return { mean: Float32Array.from(mean), scale: Float32Array.from(sq, (v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

/** Solves A x = b (A symmetric positive definite) by Cholesky; A is n×n row-major. */
function solveSpd(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

function logistic(rows: Labeled[], dim: number, mean: Float32Array, scale: Float32Array, l2: number): { w: Float64Array; b: number } {
  const n = dim + 1; // last coordinate is the bias (not penalised)
  const beta = new Float64Array(n);
  const z = rows.map((r) => Float64Array.from({ length: n }, (_, i) => (i === dim ? 1 : (r.x[i] - mean[i]) / scale[i])));
  const total = rows.reduce((s, r) => s + (r.w ?? 1), 0);
  for (let iter = 0; iter < 50; iter++) {
    const H = new Float64Array(n * n);
    const g = new Float64Array(n);
    for (const [k, r] of rows.entries()) {
      const zi = z[k];
      let s = 0;
      for (let i = 0; i < n; i++) s += zi[i] * beta[i];
      const p = sigmoid(s);
      const w = (r.w ?? 1) / total;
      const d = w * p * (1 - p);
      for (let i = 0; i < n; i++) {
        g[i] += w * (p - r.y) * zi[i];
        if (zi[i] === 0) continue;
        for (let j = 0; j <= i; j++) H[i * n + j] += d * zi[i] * zi[j];
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) H[j * n + i] = H[i * n + j];
    for (let i = 0; i < dim; i++) {
      g[i] += l2 * beta[i];
      H[i * n + i] += l2;
    }
    H[dim * n + dim] += 1e-9;
    const step = solveSpd(H, g, n);
    let moved = 0;
    for (let i = 0; i < n; i++) {
      beta[i] -= step[i];
      moved = Math.max(moved, Math.abs(step[i]));
    }
    if (moved < 1e-8) break;
  }
  return { w: beta.slice(0, dim), b: beta[dim] };
}

function network(rows: Labeled[], dim: number, mean: Float32Array, scale: Float32Array, o: Required<Pick<TrainOptions, 'hidden' | 'l2' | 'seed' | 'epochs' | 'learningRate'>>) {
  const H = o.hidden;
  const rand = mulberry32(o.seed);
  const params = new Float64Array(dim * H + H + H + 1);
  const W1 = 0;
  const B1 = dim * H;
  const W2 = B1 + H;
  const B2 = W2 + H;
  for (let i = 0; i < dim * H; i++) params[W1 + i] = (rand() - 0.5) * 2 * Math.sqrt(6 / (dim + H));
  for (let h = 0; h < H; h++) params[W2 + h] = (rand() - 0.5) * 2 * Math.sqrt(6 / (H + 1));
  const z = rows.map((r) => Float64Array.from({ length: dim }, (_, i) => (r.x[i] - mean[i]) / scale[i]));
  const total = rows.reduce((s, r) => s + (r.w ?? 1), 0);
  const m1 = new Float64Array(params.length);
  const m2 = new Float64Array(params.length);
  const a = new Float64Array(H);
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const g = new Float64Array(params.length);
    for (const [k, r] of rows.entries()) {
      const zi = z[k];
      let out = params[B2];
      for (let h = 0; h < H; h++) {
        let s = params[B1 + h];
        for (let i = 0; i < dim; i++) s += zi[i] * params[W1 + i * H + h];
        a[h] = Math.max(0, s);
        out += a[h] * params[W2 + h];
      }
      const d = ((r.w ?? 1) / total) * (sigmoid(out) - r.y);
      g[B2] += d;
      for (let h = 0; h < H; h++) {
        g[W2 + h] += d * a[h];
        if (a[h] <= 0) continue;
        const dh = d * params[W2 + h];
        g[B1 + h] += dh;
        for (let i = 0; i < dim; i++) g[W1 + i * H + h] += dh * zi[i];
      }
    }
    const c1 = 1 - 0.9 ** epoch;
    const c2 = 1 - 0.999 ** epoch;
    for (let i = 0; i < params.length; i++) {
      const decay = i < B1 || (i >= W2 && i < B2) ? o.l2 * params[i] : 0;
      const gi = g[i] + decay;
      m1[i] = 0.9 * m1[i] + 0.1 * gi;
      m2[i] = 0.999 * m2[i] + 0.001 * gi * gi;
      params[i] -= (o.learningRate * (m1[i] / c1)) / (Math.sqrt(m2[i] / c2) + 1e-8);
    }
  }
  return { w1: Float32Array.from(params.subarray(W1, B1)), b1: Float32Array.from(params.subarray(B1, W2)), w2: Float32Array.from(params.subarray(W2, B2)), b2: Float32Array.from(params.subarray(B2)) };
}

export function trainQuality(rows: Labeled[], opts: TrainOptions = {}): QualityModel {
  if (rows.length < 10) throw new Error(`answer-quality model: need at least 10 labelled answers, got ${rows.length}`);
  const dim = rows[0].x.length;
  const { mean, scale } = standardise(rows, dim);
  const hidden = opts.hidden ?? 0;
  const l2 = opts.l2 ?? 0.01;
  if (hidden === 0) {
    const { w, b } = logistic(rows, dim, mean, scale, l2);
    return { dim, hidden, mean, scale, w1: Float32Array.from(w), b1: Float32Array.of(b), w2: new Float32Array(0), b2: new Float32Array(0) };
  }
  const p = network(rows, dim, mean, scale, { hidden, l2, seed: opts.seed ?? 1, epochs: opts.epochs ?? 300, learningRate: opts.learningRate ?? 0.02 });
  return { dim, hidden, mean, scale, ...p };
}

/** Mean log loss, for reports and tests. */
export function logLoss(m: QualityModel, rows: Labeled[]): number {
  let s = 0;
  for (const r of rows) {
    const p = Math.min(1 - 1e-9, Math.max(1e-9, forward(m, r.x)));
    s -= r.y * Math.log(p) + (1 - r.y) * Math.log(1 - p);
  }
  return rows.length ? s / rows.length : 0;
}
