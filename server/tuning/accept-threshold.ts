// Tuning the answer-side cascade's accept threshold (per band) from ratings of cheap answers the
// answer-quality model accepted: the lowest model score at which accepted answers are still rated
// good at the target rate, moved within the same guardrails as the routing thresholds (minSamples,
// maxStep). Answers the judges rejected were never shown, so only the accepted side is rated: the
// threshold can be lowered while the lowest accepted scores still succeed, and is raised where the
// ratings show they do not.
import { wilson } from '../feedback/stats';
import { evalStep, pava } from './isotonic';

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

const round = (x: number) => Math.round(x * 1e4) / 1e4;

export function tuneAcceptThreshold(current: number, ratings: readonly AcceptedRating[], opts: AcceptTuneOptions): AcceptTuneResult {
  const floor = opts.floor ?? 0.05;
  const ceiling = opts.ceiling ?? 0.99;
  const valid = ratings.filter((r) => Number.isFinite(r.score) && Number.isFinite(r.success));
  const p = Math.min(0.45, Math.max(0, opts.noise ?? 0));
  const truth = (observed: number) => (p > 0 ? Math.min(1, Math.max(0, (observed - p) / (1 - 2 * p))) : observed);
  const ci = wilson(valid.reduce((s, r) => s + Math.min(1, Math.max(0, r.success)), 0), valid.length);
  const evidence = { samples: valid.length, rate: truth(ci.rate), low: truth(ci.low), high: truth(ci.high), marginalRate: null as number | null };
  if (valid.length < opts.minSamples) return { threshold: current, changed: false, reason: `only ${valid.length} rated accepted answers, need ${opts.minSamples}`, evidence };
  // A higher model score should not mean a worse answer: the fit is forced increasing.
  const sorted = valid.slice().sort((a, b) => a.score - b.score);
  const bin = Math.max(1, opts.minBin ?? 20);
  const pts = [];
  for (let i = 0; i < sorted.length; i += bin) {
    const chunk = sorted.slice(i, i + bin);
    pts.push({ x: chunk[0].score, y: chunk.reduce((s, r) => s + r.success, 0) / chunk.length, w: chunk.length });
  }
  const raw = pava(pts, 'increasing');
  const fit = { ...raw, ys: raw.ys.map(truth) };
  const marginal = evalStep(fit, sorted[0].score, truth(ci.rate));
  evidence.marginalRate = marginal;
  let want: number;
  let why: string;
  if (marginal >= opts.target) {
    want = current - opts.maxStep;
    why = `accepted answers down to score ${round(sorted[0].score)} succeed at ${(marginal * 100).toFixed(1)} %: lowering`;
  } else {
    const idx = fit.ys.findIndex((y) => y >= opts.target);
    want = idx >= 0 ? fit.xs[idx] : current + opts.maxStep;
    why = idx >= 0 ? `accepted answers below score ${round(want)} fall short of the target` : 'no score band of accepted answers reaches the target: raising';
  }
  const stepped = Math.abs(want - current) > opts.maxStep ? current + Math.sign(want - current) * opts.maxStep : want;
  const threshold = round(Math.min(ceiling, Math.max(floor, stepped)));
  return { threshold, changed: threshold !== current, reason: why, evidence };
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
