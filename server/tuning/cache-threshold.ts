// Tuning the semantic-cache similarity threshold from ratings on cache hits: the lowest similarity
// at which a cached answer is still rated good at the target rate, moved within guardrails.
import { wilson } from '../feedback/stats';
import { evalStep, pava } from './isotonic';

export interface CacheHitRating {
  similarity: number;
  success: number;
}

export interface CacheTuneOptions {
  target: number;
  minSamples: number;
  maxStep: number;
  /** Bounds of the similarity threshold (the policy schema allows 0.5..1). */
  floor?: number;
  ceiling?: number;
  /** Ratings pooled per bin before the monotone fit. */
  minBin?: number;
  /** Rater flip rate (server/tuning/noise.ts): observed rates are pulled toward 0.5 by it. */
  noise?: number;
}

export interface CacheTuneResult {
  threshold: number;
  changed: boolean;
  reason: string;
  evidence: { samples: number; rate: number; low: number; high: number; marginalRate: number | null; noise: number };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

export function tuneCacheThreshold(current: number, ratings: readonly CacheHitRating[], opts: CacheTuneOptions): CacheTuneResult {
  const floor = opts.floor ?? 0.5;
  const ceiling = opts.ceiling ?? 0.99;
  const valid = ratings.filter((r) => Number.isFinite(r.similarity) && Number.isFinite(r.success));
  const total = valid.reduce((s, r) => s + Math.min(1, Math.max(0, r.success)), 0);
  // Rater flips pull every observed rate toward 0.5 (observed = p + (1 − 2p)·true), so undo them on
  // the rates reported and compared: uncorrected, a 60 % target with 10 % flips reads hits at a true 60 %
  // as 58 % and raises the threshold for nothing. Same correction as the routing thresholds get.
  const p = Math.min(0.45, Math.max(0, opts.noise ?? 0));
  const truth = (observed: number) => (p > 0 ? Math.min(1, Math.max(0, (observed - p) / (1 - 2 * p))) : observed);
  const ci = wilson(total, valid.length);
  const evidence = { samples: valid.length, rate: truth(ci.rate), low: truth(ci.low), high: truth(ci.high), marginalRate: null as number | null, noise: p };
  if (valid.length < opts.minSamples) {
    return { threshold: current, changed: false, reason: `only ${valid.length} rated cache hits, need ${opts.minSamples}`, evidence };
  }
  // Success should rise with similarity; the fit is forced increasing because a closer match being
  // worse is noise, not signal, for a cache.
  const sorted = valid.slice().sort((a, b) => a.similarity - b.similarity);
  const bin = Math.max(1, opts.minBin ?? 20);
  const pts = [];
  for (let i = 0; i < sorted.length; i += bin) {
    const chunk = sorted.slice(i, i + bin);
    pts.push({ x: chunk[0].similarity, y: chunk.reduce((s, r) => s + r.success, 0) / chunk.length, w: chunk.length });
  }
  const raw = pava(pts, 'increasing');
  const fit = { ...raw, ys: raw.ys.map(truth) }; // monotone map: still increasing
  const lowest = sorted[0].similarity;
  const marginal = evalStep(fit, lowest, truth(ci.rate));
  evidence.marginalRate = marginal;
  let want: number;
  let why: string;
  if (marginal >= opts.target) {
    // Even the least similar hits are good enough: try one step lower (the next ratings will tell).
    want = current - opts.maxStep;
    why = `hits down to similarity ${round(lowest)} succeed at ${(marginal * 100).toFixed(1)} %: lowering`;
  } else {
    // The first block of the fit that reaches the target; above the data if none does.
    const idx = fit.ys.findIndex((y) => y >= opts.target);
    want = idx >= 0 ? fit.xs[idx] : current + opts.maxStep;
    why = idx >= 0 ? `hits below similarity ${round(want)} fall short of the target` : 'no similarity band of hits reaches the target: raising';
  }
  const stepped = Math.abs(want - current) > opts.maxStep ? current + Math.sign(want - current) * opts.maxStep : want;
  const threshold = round(Math.min(ceiling, Math.max(floor, stepped)));
  return { threshold, changed: threshold !== current, reason: why, evidence };
}
