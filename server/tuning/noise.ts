// Rater noise. If each rating is flipped with probability p (a rater clicks the wrong thumb, or judges
// a good answer bad), a tier that truly succeeds with probability s is rated up with probability
// p + (1 − 2p) s: every observed rate is pulled toward 0.5, and a tuner aiming at 60 % on observed rates
// buys an expensive tier to reach a target it cannot see. Two sources for p:
//  - agreement on repeated ratings: when two raters rate the same answer independently, they agree with
//    probability (1 − p)² + p² = 1 − 2p(1 − p), so p = (1 − sqrt(1 − 2d)) / 2 from the disagreement rate d;
//  - a configured prior (e.g. from a labelling audit), worth `pairs` pseudo-pairs of repeated ratings.
// Assumptions, stated: flips are symmetric (up→down as likely as down→up) and independent across raters
// and of the answer. The correction inverts the linear map on the fitted success curves.
import type { SuccessModel } from './estimate';

export interface Agreement {
  /** Pairs of ratings of the same decision by different raters, and how many of them agreed. */
  pairs: number;
  agree: number;
}

export interface NoisePrior {
  noise: number;
  /** Weight of the prior in pseudo-pairs (default 100). */
  pairs?: number;
}

export interface NoiseEstimate {
  noise: number;
  pairs: number;
  disagreement: number;
  source: 'none' | 'prior' | 'agreement' | 'agreement+prior';
}

/** Pairs and agreeing pairs from per-decision counts of up and down ratings (every pair of raters). */
export function agreementOf(decisions: readonly { up: number; down: number }[]): Agreement {
  let pairs = 0;
  let agree = 0;
  for (const d of decisions) {
    const n = d.up + d.down;
    pairs += (n * (n - 1)) / 2;
    agree += (d.up * (d.up - 1)) / 2 + (d.down * (d.down - 1)) / 2;
  }
  return { pairs, agree };
}

/**
 * Flip probability from the disagreement rate (clamped below 0.45, where the correction explodes).
 * Without a prior, fewer than `minPairs` repeated pairs give no estimate (no correction).
 */
export function estimateNoise(agreement: Agreement, prior?: NoisePrior, minPairs = 30): NoiseEstimate {
  const priorPairs = prior ? Math.max(0, prior.pairs ?? 100) : 0;
  const p0 = prior ? Math.min(0.45, Math.max(0, prior.noise)) : 0;
  const pairs = agreement.pairs + priorPairs;
  if (!(pairs > 0) || (priorPairs === 0 && agreement.pairs < minPairs)) return { noise: 0, pairs: agreement.pairs, disagreement: 0, source: 'none' };
  const disagreement = (agreement.pairs - agreement.agree + priorPairs * 2 * p0 * (1 - p0)) / pairs;
  const noise = Math.min(0.45, (1 - Math.sqrt(Math.max(0, 1 - 2 * Math.min(0.5, disagreement)))) / 2);
  const source = agreement.pairs > 0 ? (priorPairs > 0 ? 'agreement+prior' : 'agreement') : 'prior';
  return { noise, pairs: agreement.pairs, disagreement, source };
}

/** The success model with the flips undone: s = (observed − p) / (1 − 2p), kept in [0, 1]. */
export function correctForNoise(model: SuccessModel, noise: number): SuccessModel {
  if (!(noise > 0)) return model;
  const p = Math.min(0.45, noise);
  const undo = (x: number) => Math.min(1, Math.max(0, (x - p) / (1 - 2 * p)));
  return {
    ...model,
    predict: (tier, score) => undo(model.predict(tier, score)),
    summary: model.summary.map((s) => ({ ...s, rate: undo(s.rate) })) as SuccessModel['summary'],
  };
}
