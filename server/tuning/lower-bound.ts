// The lowest value of a score at which rated answers still succeed at the target rate — the shared
// step of the cache's similarity threshold and the answer-side cascade's accept threshold: a
// monotone (increasing) fit of success over the score, corrected for rater flips, moved at most
// maxStep per run within [floor, ceiling].
import { wilson } from '../feedback/stats';
import { evalStep, pava } from './isotonic';

export interface ScoredRating {
  /** The score the threshold applies to (a cache hit's similarity, the answer model's P(acceptable)). */
  x: number;
  success: number;
}

export interface LowerBoundOptions {
  target: number;
  minSamples: number;
  maxStep: number;
  floor: number;
  ceiling: number;
  /** Ratings pooled per bin before the monotone fit (default 20). */
  minBin?: number;
  /** Rater flip rate (noise.ts): observed rates are pulled toward 0.5 by it. */
  noise?: number;
}

/** How the reasons name what was rated: "hits" by "similarity", "accepted answers" by "score". */
export interface LowerBoundWords {
  items: string;
  measure: string;
  /** The rated items when counting them: "rated cache hits". */
  rated: string;
}

export interface LowerBoundResult {
  threshold: number;
  changed: boolean;
  reason: string;
  evidence: { samples: number; rate: number; low: number; high: number; marginalRate: number | null; noise: number };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

export function tuneLowerBound(current: number, ratings: readonly ScoredRating[], opts: LowerBoundOptions, words: LowerBoundWords): LowerBoundResult {
  const valid = ratings.filter((r) => Number.isFinite(r.x) && Number.isFinite(r.success));
  const total = valid.reduce((s, r) => s + Math.min(1, Math.max(0, r.success)), 0);
  // Rater flips pull every observed rate toward 0.5 (observed = p + (1 − 2p)·true), so undo them on
  // the rates reported and compared: uncorrected, a 60 % target with 10 % flips reads answers at a true
  // 60 % as 58 % and raises the threshold for nothing. Same correction as the routing thresholds get.
  const p = Math.min(0.45, Math.max(0, opts.noise ?? 0));
  const truth = (observed: number) => (p > 0 ? Math.min(1, Math.max(0, (observed - p) / (1 - 2 * p))) : observed);
  const ci = wilson(total, valid.length);
  const evidence = { samples: valid.length, rate: truth(ci.rate), low: truth(ci.low), high: truth(ci.high), marginalRate: null as number | null, noise: p };
  if (valid.length < opts.minSamples) {
    return { threshold: current, changed: false, reason: `only ${valid.length} ${words.rated}, need ${opts.minSamples}`, evidence };
  }
  // Success should rise with the score; the fit is forced increasing because a higher score being
  // worse is noise, not signal.
  const sorted = valid.slice().sort((a, b) => a.x - b.x);
  const bin = Math.max(1, opts.minBin ?? 20);
  const pts = [];
  for (let i = 0; i < sorted.length; i += bin) {
    const chunk = sorted.slice(i, i + bin);
    pts.push({ x: chunk[0].x, y: chunk.reduce((s, r) => s + r.success, 0) / chunk.length, w: chunk.length });
  }
  const raw = pava(pts, 'increasing');
  const fit = { ...raw, ys: raw.ys.map(truth) }; // monotone map: still increasing
  const lowest = sorted[0].x;
  const marginal = evalStep(fit, lowest, truth(ci.rate));
  evidence.marginalRate = marginal;
  let want: number;
  let why: string;
  if (marginal >= opts.target) {
    // Even the lowest-scored items are good enough: try one step lower (the next ratings will tell).
    want = current - opts.maxStep;
    why = `${words.items} down to ${words.measure} ${round(lowest)} succeed at ${(marginal * 100).toFixed(1)} %: lowering`;
  } else {
    // The first block of the fit that reaches the target; above the data if none does.
    const idx = fit.ys.findIndex((y) => y >= opts.target);
    want = idx >= 0 ? fit.xs[idx] : current + opts.maxStep;
    why = idx >= 0 ? `${words.items} below ${words.measure} ${round(want)} fall short of the target` : `no ${words.measure} band of ${words.items} reaches the target: raising`;
  }
  const stepped = Math.abs(want - current) > opts.maxStep ? current + Math.sign(want - current) * opts.maxStep : want;
  const threshold = round(Math.min(opts.ceiling, Math.max(opts.floor, stepped)));
  return { threshold, changed: threshold !== current, reason: why, evidence };
}
