// Retraining the classifier from recorded traffic: the active model's weights, moved by what the
// recorded labels say and held near where they were. Recorded samples are the feature vectors the
// active featurizer computed (no text is kept), so the candidate keeps its feature parameters (IDF,
// hashing) and only the weights change; a band no recorded label speaks of (research) stays as it
// was. Full-batch Adam with class-balanced weights and an L2 pull toward the starting weights,
// deterministic: same rows, same bytes.
import { CLASSES, forwardSparse, type LinearModel } from './model';
import { BANDS, type Band } from './types';

export interface SparseExample {
  i: Int32Array;
  v: Float32Array;
  label: Band;
}

export interface FineTuneOptions {
  epochs?: number;
  learningRate?: number;
  /** Strength of the pull toward the starting weights (per example). */
  anchor?: number;
  onEpoch?: (epoch: number, loss: number) => void;
}

export function fineTune(base: LinearModel, rows: readonly SparseExample[], opts: FineTuneOptions = {}): LinearModel {
  const epochs = opts.epochs ?? 60;
  const lr = opts.learningRate ?? 0.02;
  const anchor = opts.anchor ?? 1e-3;
  const W = Float64Array.from(base.weights);
  const b = Float64Array.from(base.bias);
  const W0 = base.weights;
  const counts = BANDS.map((band) => rows.filter((r) => r.label === band).length);
  const present = counts.filter((c) => c > 0).length;
  const weightOf = BANDS.map((_, c) => (counts[c] > 0 ? rows.length / (present * counts[c]) : 0));
  // Only the rows of features some example has are trained (and anchored): the rest stay bit-equal.
  const touched = [...new Set(rows.flatMap((r) => Array.from(r.i)))].sort((x, y) => x - y);
  const m = new Float64Array(W.length);
  const s = new Float64Array(W.length);
  const mb = new Float64Array(CLASSES);
  const sb = new Float64Array(CLASSES);
  const gW = new Float64Array(W.length);
  const gb = new Float64Array(CLASSES);
  const z = new Float64Array(CLASSES);
  const n = Math.max(1, rows.length);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    for (const j of touched) for (let c = 0; c < CLASSES; c++) gW[j * CLASSES + c] = anchor * (W[j * CLASSES + c] - W0[j * CLASSES + c]);
    gb.fill(0);
    let loss = 0;
    for (const r of rows) {
      const y = BANDS.indexOf(r.label);
      const w = weightOf[y] / n;
      z.set(b);
      for (let k = 0; k < r.i.length; k++) for (let c = 0; c < CLASSES; c++) z[c] += r.v[k] * W[r.i[k] * CLASSES + c];
      const max = Math.max(...z);
      let sum = 0;
      for (let c = 0; c < CLASSES; c++) sum += Math.exp(z[c] - max);
      loss -= w * (z[y] - max - Math.log(sum));
      for (let c = 0; c < CLASSES; c++) {
        const g = w * (Math.exp(z[c] - max) / sum - (c === y ? 1 : 0));
        gb[c] += g;
        for (let k = 0; k < r.i.length; k++) gW[r.i[k] * CLASSES + c] += g * r.v[k];
      }
    }
    const t1 = 1 - 0.9 ** epoch;
    const t2 = 1 - 0.999 ** epoch;
    for (const j of touched) {
      for (let c = 0; c < CLASSES; c++) {
        const q = j * CLASSES + c;
        m[q] = 0.9 * m[q] + 0.1 * gW[q];
        s[q] = 0.999 * s[q] + 0.001 * gW[q] * gW[q];
        W[q] -= (lr * (m[q] / t1)) / (Math.sqrt(s[q] / t2) + 1e-8);
      }
    }
    for (let c = 0; c < CLASSES; c++) {
      mb[c] = 0.9 * mb[c] + 0.1 * gb[c];
      sb[c] = 0.999 * sb[c] + 0.001 * gb[c] * gb[c];
      b[c] -= (lr * (mb[c] / t1)) / (Math.sqrt(sb[c] / t2) + 1e-8);
    }
    opts.onEpoch?.(epoch, loss);
  }
  return { dim: base.dim, weights: Float32Array.from(W), bias: Float32Array.from(b) };
}

export function predictSparse(model: LinearModel, r: { i: Int32Array; v: Float32Array }): Band {
  const p = forwardSparse(model, r.i, r.v);
  return BANDS[p.indexOf(Math.max(...p))];
}
