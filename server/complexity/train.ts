// Trainer: multinomial logistic regression, full-batch Adam with L2, class-balanced and per-example
// weights, early stopping on a stratified validation split. Deterministic: the seed drives the split
// and the initial weights; everything else is plain ordered arithmetic, so same seed = same bytes.
import { defaultParams, dimension, featurize, fitIdf, type FeatureParams } from './featurize';
import { mulberry32, shuffle } from './hash';
import { CLASSES, softmax, type LinearModel } from './model';
import { BANDS, type Band } from './types';

export interface Example {
  text: string;
  label: Band;
  source: string;
  /** Relative importance, e.g. hand-labelled everyday prompts count more than benchmark rows. */
  weight?: number;
  /** A generated variant (typo'd copy) of another example: train on it, never score it. */
  augmented?: boolean;
}

export interface TrainOptions {
  seed?: number;
  maxEpochs?: number;
  learningRate?: number;
  l2?: number;
  patience?: number;
  valFraction?: number;
  wordBuckets?: number;
  charBuckets?: number;
  ngramScale?: number;
  onProgress?: (p: { epoch: number; trainLoss: number; valLoss: number; best: number }) => void;
}

export interface TrainResult {
  model: LinearModel;
  params: FeatureParams;
  epochs: number;
  bestEpoch: number;
  valLoss: number;
}

interface Row {
  idx: Int32Array;
  val: Float32Array;
  y: number;
  w: number;
}

/** Stratified split by label: the last `fraction` of each shuffled class goes to validation. */
export function stratifiedSplit<T extends { label: Band }>(items: T[], fraction: number, seed: number): { train: T[]; test: T[] } {
  const rand = mulberry32(seed);
  const train: T[] = [];
  const test: T[] = [];
  for (const band of BANDS) {
    const of = shuffle(items.filter((e) => e.label === band), rand);
    const cut = Math.round(of.length * (1 - fraction));
    train.push(...of.slice(0, cut));
    test.push(...of.slice(cut));
  }
  return { train, test };
}

function toRows(examples: Example[], params: FeatureParams, classWeight: number[]): Row[] {
  return examples.map((e) => {
    const f = featurize(e.text, params);
    const y = BANDS.indexOf(e.label);
    return { idx: f.indices, val: f.values, y, w: (e.weight ?? 1) * classWeight[y] };
  });
}

/** Weighted mean cross-entropy; adds the gradient into `grad` when given. */
function pass(rows: Row[], W: Float64Array, b: Float64Array, grad?: { W: Float64Array; b: Float64Array }): number {
  let loss = 0;
  let total = 0;
  const z = new Float64Array(CLASSES);
  for (const r of rows) {
    z.set(b);
    for (let i = 0; i < r.idx.length; i++) {
      const o = r.idx[i] * CLASSES;
      for (let c = 0; c < CLASSES; c++) z[c] += r.val[i] * W[o + c];
    }
    const p = softmax(z);
    loss -= r.w * Math.log(Math.max(p[r.y], 1e-12));
    total += r.w;
    if (grad) {
      for (let c = 0; c < CLASSES; c++) {
        const g = r.w * (p[c] - (c === r.y ? 1 : 0));
        grad.b[c] += g;
        for (let i = 0; i < r.idx.length; i++) grad.W[r.idx[i] * CLASSES + c] += g * r.val[i];
      }
    }
  }
  if (grad && total > 0) {
    for (let i = 0; i < grad.W.length; i++) grad.W[i] /= total;
    for (let c = 0; c < CLASSES; c++) grad.b[c] /= total;
  }
  return total > 0 ? loss / total : 0;
}

export function train(examples: Example[], opts: TrainOptions = {}): TrainResult {
  const seed = opts.seed ?? 1;
  const maxEpochs = opts.maxEpochs ?? 400;
  const lr = opts.learningRate ?? 0.05;
  const l2 = opts.l2 ?? 2e-5;
  const patience = opts.patience ?? 25;
  if (examples.length < 8) throw new Error(`train: need at least 8 examples, got ${examples.length}`);
  const { train: trainSet, test: valSet } = stratifiedSplit(examples, opts.valFraction ?? 0.1, seed);

  const params = defaultParams(opts.wordBuckets, opts.charBuckets, opts.ngramScale);
  params.idf = fitIdf(trainSet.map((e) => e.text), params);
  // Balanced class weights: each class carries the same total weight.
  const mass = BANDS.map((b) => trainSet.filter((e) => e.label === b).reduce((s, e) => s + (e.weight ?? 1), 0));
  const totalMass = mass.reduce((a, b) => a + b, 0);
  const classWeight = mass.map((m) => (m > 0 ? totalMass / (CLASSES * m) : 0));
  const rows = toRows(trainSet, params, classWeight);
  const valRows = toRows(valSet, params, classWeight);

  const dim = dimension(params);
  const rand = mulberry32(seed ^ 0x5bd1e995);
  const W = Float64Array.from({ length: dim * CLASSES }, () => (rand() - 0.5) * 1e-3);
  const b = new Float64Array(CLASSES);
  const m1 = { W: new Float64Array(W.length), b: new Float64Array(CLASSES) };
  const m2 = { W: new Float64Array(W.length), b: new Float64Array(CLASSES) };
  const best = { W: W.slice(), b: b.slice(), loss: Infinity, epoch: 0 };
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  let epoch = 0;
  for (epoch = 1; epoch <= maxEpochs; epoch++) {
    const grad = { W: new Float64Array(W.length), b: new Float64Array(CLASSES) };
    const trainLoss = pass(rows, W, b, grad);
    const c1 = 1 - beta1 ** epoch;
    const c2 = 1 - beta2 ** epoch;
    const step = (x: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, decay: number) => {
      for (let i = 0; i < x.length; i++) {
        const gi = g[i] + decay * x[i];
        m[i] = beta1 * m[i] + (1 - beta1) * gi;
        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
        x[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      }
    };
    step(W, grad.W, m1.W, m2.W, l2);
    step(b, grad.b, m1.b, m2.b, 0);
    const valLoss = valRows.length > 0 ? pass(valRows, W, b) : trainLoss;
    if (valLoss < best.loss - 1e-6) {
      best.W.set(W);
      best.b.set(b);
      best.loss = valLoss;
      best.epoch = epoch;
    }
    opts.onProgress?.({ epoch, trainLoss, valLoss, best: best.loss });
    if (epoch - best.epoch >= patience) break;
  }
  return {
    model: { dim, weights: Float32Array.from(best.W), bias: Float32Array.from(best.b) },
    params,
    epochs: Math.min(epoch, maxEpochs),
    bestEpoch: best.epoch,
    valLoss: best.loss,
  };
}
