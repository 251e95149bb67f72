// Learned per-tier success estimate over the history store: for each tier, an L2-regularised
// logistic regression on the featurizer's word + character n-gram TF-IDF vector (the full 24,576
// hashed buckets, not the 256-d fold the neighbour search uses), fitted on the past queries that
// have an outcome for that tier. Prediction is one sparse dot product per tier (microseconds), so
// the analyzer's hot path stays cheap at any store size; fitting happens when the store is loaded
// in bulk (fit()) and incrementally, a few SGD steps per added outcome, when ratings arrive live.
//
// Why a linear model and not neighbour voting: measured on the RouterBench train split (5-fold CV,
// see README), similarity-weighted neighbour rates are noisy per query (10 neighbours of binary
// outcomes), while the regression pools evidence across every past query sharing an n-gram and
// shrinks toward the tier's base rate through the intercept and the L2 penalty.
import { mulberry32 } from '../lib/random';
import { DENSE, type FeatureParams, type Features } from './featurize';
import { TIERS, type Outcome, type Tier } from './history-types';

export interface TierModelOptions {
  /** L2 penalty on the mean log-loss (default 1e-3). */
  l2?: number;
  /** SGD passes over the examples in fit() (default 16). */
  epochs?: number;
  /** First-epoch SGD step in fit() (default 0.2). */
  learningRate?: number;
  /** A tier needs this many outcomes before it is estimated (default 30). */
  minOutcomes?: number;
  /** Stored examples replayed with each live add (default 16). */
  replay?: number;
  /** Learning rate of the live SGD steps (default 0.05). */
  onlineRate?: number;
  /** At most this many examples are kept for fitting and replay, newest first (default 10,000: a refit then costs ~7 s CPU, in the background). */
  maxExamples?: number;
}

export interface TierEstimate {
  /** Estimated success probability per tier; null for a tier with too few outcomes. */
  success: Record<Tier, number | null>;
  /** Outcomes the estimate of each tier was fitted on. */
  support: Record<Tier, number>;
  /** Share (0..1) of the query's squared n-gram weight on buckets some stored example has. */
  coverage: number;
}

interface Example {
  idx: Int32Array;
  val: Float32Array;
  /** Per tier: 1 success, 0 failure, -1 no outcome. */
  y: Int8Array;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-Math.max(-30, Math.min(30, z))));

/** The n-gram part of a feature vector, re-indexed from 0 (dense named features are left out). */
function ngrams(f: Features): { idx: Int32Array; val: Float32Array } {
  let n = 0;
  for (let i = 0; i < f.indices.length; i++) if (f.indices[i] >= DENSE) n++;
  const idx = new Int32Array(n);
  const val = new Float32Array(n);
  let at = 0;
  for (let i = 0; i < f.indices.length; i++) {
    if (f.indices[i] < DENSE) continue;
    idx[at] = f.indices[i] - DENSE;
    val[at++] = f.values[i];
  }
  return { idx, val };
}

/** The fitted parameters; a refit builds a new one and swaps it in, so predictions never see a half fit. */
interface Weights {
  w: Float32Array[];
  bias: number[];
  /** Lazy L2: per tier, the running log-decay, and its value when each weight was last rescaled. */
  decayClock: number[];
  decayedAt: Float64Array[];
}

export class TierSuccessModel {
  private readonly dim: number;
  private weights: Weights;
  private readonly count = [0, 0, 0];
  private readonly examples: Example[] = [];
  /** Per n-gram bucket, how many kept examples have it (for coverage). */
  private readonly seen: Int32Array;
  private readonly opts: Required<TierModelOptions>;
  private readonly rand = mulberry32(0x5eed);

  constructor(params: FeatureParams, opts: TierModelOptions = {}) {
    this.dim = params.wordBuckets + params.charBuckets;
    this.weights = this.freshWeights();
    this.seen = new Int32Array(this.dim);
    this.opts = { l2: 1e-3, epochs: 16, learningRate: 0.2, minOutcomes: 30, replay: 16, onlineRate: 0.05, maxExamples: 10_000, ...opts };
  }

  private freshWeights(): Weights {
    return { w: TIERS.map(() => new Float32Array(this.dim)), bias: [0, 0, 0], decayClock: [0, 0, 0], decayedAt: TIERS.map(() => new Float64Array(this.dim)) };
  }

  get size(): number {
    return this.examples.length;
  }

  /** Outcomes per tier among the kept examples. */
  get support(): Record<Tier, number> {
    return { small: this.count[0], medium: this.count[1], large: this.count[2] };
  }

  /** Stores an example; with `learn` (live ratings) also takes a few SGD steps toward it. */
  add(f: Features, outcomes: Outcome[], learn = true): void {
    const { idx, val } = ngrams(f);
    if (idx.length === 0 || outcomes.length === 0) return;
    const y = new Int8Array(3).fill(-1);
    for (const o of outcomes) y[TIERS.indexOf(o.tier)] = o.success ? 1 : 0;
    const ex = { idx, val, y };
    this.examples.push(ex);
    for (let t = 0; t < 3; t++) if (y[t] >= 0) this.count[t]++;
    for (const j of idx) this.seen[j]++;
    if (this.examples.length > this.opts.maxExamples) {
      const old = this.examples.shift()!;
      for (let t = 0; t < 3; t++) if (old.y[t] >= 0) this.count[t]--;
      for (const j of old.idx) this.seen[j]--;
    }
    if (!learn) return;
    const lr = this.opts.onlineRate;
    this.step(this.weights, ex, lr);
    for (let r = 0; r < this.opts.replay && this.examples.length > 1; r++) this.step(this.weights, this.examples[Math.floor(this.rand() * this.examples.length)], lr);
    this.flush(this.weights);
  }

  /**
   * One SGD step on one example. L2 is applied lazily: every step decays all weights by
   * (1 − 2·l2·lr), but a weight is only rescaled when its feature is touched (or at flush()), from
   * the running log-decay, so a step costs the example's non-zeros, not the dimension.
   */
  private step(s: Weights, ex: Example, lr: number): void {
    const decay = Math.log(1 - Math.min(0.5, 2 * this.opts.l2 * lr));
    for (let t = 0; t < 3; t++) {
      if (ex.y[t] < 0) continue;
      const w = s.w[t];
      const last = s.decayedAt[t];
      const now = s.decayClock[t];
      let z = s.bias[t];
      for (let i = 0; i < ex.idx.length; i++) {
        const j = ex.idx[i];
        if (last[j] !== now) {
          w[j] *= Math.exp(now - last[j]);
          last[j] = now;
        }
        z += w[j] * ex.val[i];
      }
      const g = sigmoid(z) - ex.y[t];
      s.bias[t] -= lr * g;
      for (let i = 0; i < ex.idx.length; i++) w[ex.idx[i]] -= lr * g * ex.val[i];
      s.decayClock[t] = now + decay;
    }
  }

  /** Applies the pending L2 decay to every weight (before predictions). */
  private flush(s: Weights): void {
    for (let t = 0; t < 3; t++) {
      const [w, last, now] = [s.w[t], s.decayedAt[t], s.decayClock[t]];
      for (let j = 0; j < w.length; j++) {
        if (last[j] === now) continue;
        w[j] *= Math.exp(now - last[j]);
        last[j] = now;
      }
    }
  }

  /**
   * A refit from scratch on the examples kept now, as a sequence of chunks (`chunk` SGD steps
   * each): `epochs` passes in a seeded shuffled order with a decaying step (rate / (1 + epoch)),
   * lazily applied L2, intercepts started at each tier's base-rate log-odds. The new weights are
   * swapped in at the end. Deterministic for the same examples. Cost: epochs × examples ×
   * non-zeros (≈ 200 per query) × tiers: measured 0.86 s CPU for 2,217 examples (docs/notes/complexity.md).
   */
  private *refit(chunk: number): Generator<void, void, void> {
    const examples = this.examples.slice();
    const s = this.freshWeights();
    for (let t = 0; t < 3; t++) {
      let n = 0;
      let pos = 0;
      for (const e of examples) {
        if (e.y[t] < 0) continue;
        n++;
        pos += e.y[t];
      }
      s.bias[t] = Math.log((pos + 1) / (n - pos + 1));
    }
    const order = examples.map((_, i) => i);
    const rand = mulberry32(0x5eed);
    let done = 0;
    for (let e = 0; e < this.opts.epochs; e++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const lr = this.opts.learningRate / (1 + e);
      for (const i of order) {
        this.step(s, examples[i], lr);
        if (++done % chunk === 0) yield;
      }
    }
    this.flush(s);
    this.weights = s;
  }

  /** Refits synchronously (bulk loads, the offline evaluator). */
  fit(): void {
    for (const _ of this.refit(Number.MAX_SAFE_INTEGER));
  }

  /**
   * Refits without holding the event loop: `chunk` SGD steps (about 1–2 ms of CPU at 200
   * non-zeros) per turn, predictions keep using the old weights until the new ones are complete.
   */
  async fitInBackground(chunk = 200): Promise<void> {
    for (const _ of this.refit(chunk)) await new Promise<void>((r) => setImmediate(r));
  }

  /** Success probability per tier for a featurized query; a tier with too few outcomes is null. */
  estimate(f: Features): TierEstimate {
    const success = { small: null, medium: null, large: null } as Record<Tier, number | null>;
    const { w, bias } = this.weights;
    const z = [...bias];
    let total = 0;
    let known = 0;
    for (let i = 0; i < f.indices.length; i++) {
      const j = f.indices[i] - DENSE;
      if (j < 0) continue;
      const v = f.values[i];
      total += v * v;
      if (this.seen[j] > 0) known += v * v;
      z[0] += w[0][j] * v;
      z[1] += w[1][j] * v;
      z[2] += w[2][j] * v;
    }
    for (let t = 0; t < 3; t++) if (this.count[t] >= this.opts.minOutcomes) success[TIERS[t]] = sigmoid(z[t]);
    return { success, support: this.support, coverage: total > 0 ? known / total : 0 };
  }
}

export interface BlendOptions {
  /** Outcomes per tier at which history and classifier weigh equally (default 50). */
  halfWeightAt?: number;
}

/**
 * Success gain (in probability) at which moving to a dearer tier counts as fully needed. A quarter
 * of the answers turning from wrong to right is worth a tier's price on any of our tier spreads;
 * smaller gains count in proportion.
 */
const FULL_GAIN = 0.25;

/**
 * The history's score for a query, on the classifier's scale (band index / 3):
 * (need to leave the small tier + need for the large tier) / 3, each need = expected success gain /
 * FULL_GAIN, capped at 1. A query every tier answers scores 0 (simple), one only the medium and
 * large tiers answer 1/3 (moderate), one only the large tier answers 2/3 (complex); research stays
 * the classifier's call. Why this and not a gain centred on 0.5: that one ordered the
 * large tier's gain well, but gave "escalating changes nothing" 0.5, so as history gained weight
 * every easy query drifted to the medium band and the default t1 never picked the small tier.
 * Null when a tier has no estimate.
 */
export function historyScore(est: TierEstimate): number | null {
  const { small: s, medium: m, large: l } = est.success;
  if (s === null || m === null || l === null) return null;
  const need = (gain: number) => Math.max(0, Math.min(1, gain / FULL_GAIN));
  return (need(Math.max(m, l) - s) + need(l - Math.max(s, m))) / 3;
}

/**
 * The assessment score with history: (1 − w) · classifier score + w · historyScore, with
 * w = coverage · n / (n + halfWeightAt), n the smallest per-tier support and coverage the share of
 * the query's n-gram weight the history has seen (a query unlike anything rated keeps the
 * classifier's score). Null when some tier has no estimate (the caller tilts by neighbours).
 */
export function blendWithHistory(classifierScore: number, est: TierEstimate, opts: BlendOptions = {}): { score: number; history: number; weight: number } | null {
  const h = historyScore(est);
  if (h === null) return null;
  const n = Math.min(est.support.small, est.support.medium, est.support.large);
  const w = est.coverage * (n / (n + (opts.halfWeightAt ?? 50)));
  return { score: (1 - w) * classifierScore + w * h, history: h, weight: w };
}
