// Tuning the answer-side cascade's accept threshold (per band) from ratings of cheap answers the
// answer-quality model accepted: the lowest model score at which accepted answers are still rated
// good at the target rate, moved within the same guardrails as the routing thresholds (minSamples,
// maxStep). Answers the judges rejected were never shown, so only the accepted side is rated: the
// threshold can be lowered while the lowest accepted scores still succeed, and is raised where the
// ratings show they do not.
import { tuneLowerBound } from './lower-bound';

export type JudgedBand = 'small' | 'medium' | 'large';

export interface AcceptedRating {
  band: JudgedBand;
  /** The model's P(acceptable) for the delivered cheap answer. */
  score: number;
  success: number;
}

export interface AcceptTuneOptions {
  target: number;
  minSamples: number;
  maxStep: number;
  floor?: number;
  ceiling?: number;
  minBin?: number;
  /** Rater flip rate (noise.ts): observed rates are corrected as for the other thresholds. */
  noise?: number;
}

export interface AcceptTuneResult {
  threshold: number;
  changed: boolean;
  reason: string;
  evidence: { samples: number; rate: number; low: number; high: number; marginalRate: number | null };
}

export function tuneAcceptThreshold(current: number, ratings: readonly AcceptedRating[], opts: AcceptTuneOptions): AcceptTuneResult {
  const { evidence, ...rest } = tuneLowerBound(
    current,
    ratings.map((r) => ({ x: r.score, success: r.success })),
    { ...opts, floor: opts.floor ?? 0.05, ceiling: opts.ceiling ?? 0.99 },
    { items: 'accepted answers', measure: 'score', rated: 'rated accepted answers' },
  );
  const { noise: _noise, ...shown } = evidence;
  return { ...rest, evidence: shown };
}

/** The model's score from a model verdict's attempt detail ("accept (score 0.812): ..."). */
export function scoreOfVerdict(detail: string | null): number | null {
  if (!detail) return null;
  const i = detail.indexOf('(score ');
  if (i < 0) return null;
  const end = detail.indexOf(')', i);
  const x = Number(detail.slice(i + 7, end < 0 ? undefined : end));
  return Number.isFinite(x) ? x : null;
}
