// Labels from recorded traffic. What a decision kept for training (server/repos/training.ts) says,
// per judged answer, what the judges decided and, per decision, what the client thought of the
// delivered answer. Which of those are labels, and for which model:
//
// answer-quality (P(acceptable) of one tier's answer):
//   escalation  rejected by a judge other than the model itself (validators, verifiers,
//               self-consistency, judge tier), and a later tier answered: y = 0
//   judge       accepted by self-consistency or the judge tier: y = 1
//   rating      the delivered (accepted) answer was rated: y = 1 up, 0 down
//   A verdict of the model alone is no label: training on it would teach the model its own opinion.
// complexity (the band whose tier sufficed; small = simple, medium = moderate, large = complex):
//   escalation  the chain's first answers were rejected and a later tier's was delivered: that tier's band
//   judge       the first (cheapest) judged answer was accepted: its tier's band
//   rating      a delivered answer rated up: its tier's band; rated down: one band above (none above large)
import { createHash } from 'node:crypto';
import type { Band } from '../complexity/types';
import type { TrainingRow, TrainingTarget } from '../decisions/types';

export type LabelSource = 'escalation' | 'judge' | 'rating';

export interface AnswerExample {
  decisionId: string;
  x: Float32Array;
  y: 0 | 1;
  source: LabelSource;
}

export interface ComplexityExample {
  decisionId: string;
  model: string;
  i: Int32Array;
  v: Float32Array;
  label: Band;
  source: LabelSource;
}

const BAND_OF: Record<TrainingTarget, Band> = { small: 'simple', medium: 'moderate', large: 'complex' };
const ABOVE: Record<TrainingTarget, TrainingTarget | null> = { small: 'medium', medium: 'large', large: null };
const INDEPENDENT_REJECT = new Set(['validators', 'verifiers', 'self_consistency', 'judge_tier']);
const INDEPENDENT_ACCEPT = new Set(['self_consistency', 'judge_tier']);

export function answerExamples(rows: readonly TrainingRow[], featureCount: number): AnswerExample[] {
  const out: AnswerExample[] = [];
  for (const r of rows) {
    r.answers.forEach((a, k) => {
      if (a.features.length !== featureCount) return; // recorded by another featurizer
      const x = Float32Array.from(a.features);
      const delivered = a.accepted && k === r.answers.length - 1 && r.finalTier === a.tier;
      if (!a.accepted) {
        if (a.decidedBy && INDEPENDENT_REJECT.has(a.decidedBy) && r.finalTier !== null && r.finalTier !== a.tier) out.push({ decisionId: r.decisionId, x, y: 0, source: 'escalation' });
      } else if (delivered && r.rating !== null && r.rating !== 0) {
        out.push({ decisionId: r.decisionId, x, y: r.rating > 0 ? 1 : 0, source: 'rating' });
      } else if (a.decidedBy && INDEPENDENT_ACCEPT.has(a.decidedBy)) {
        out.push({ decisionId: r.decisionId, x, y: 1, source: 'judge' });
      }
    });
  }
  return out;
}

export function complexityExamples(rows: readonly TrainingRow[]): ComplexityExample[] {
  const out: ComplexityExample[] = [];
  for (const r of rows) {
    if (!r.complexity || !r.complexityModel || !r.finalTarget) continue;
    const push = (target: TrainingTarget, source: LabelSource) =>
      out.push({ decisionId: r.decisionId, model: r.complexityModel!, i: Int32Array.from(r.complexity!.i), v: Float32Array.from(r.complexity!.v), label: BAND_OF[target], source });
    const rated = r.rating !== null && r.rating !== 0 ? Math.sign(r.rating) : 0;
    if (rated < 0) {
      const up = ABOVE[r.finalTarget];
      if (up) push(up, 'rating');
      continue;
    }
    const first = r.answers[0];
    if (first && first.target) {
      if (first.accepted && r.finalTier === first.tier) push(first.target, 'judge');
      else if (!first.accepted && r.finalTier !== first.tier) push(r.finalTarget, 'escalation');
      continue;
    }
    if (rated > 0) push(r.finalTarget, 'rating');
  }
  return out;
}

/** The held-out slice: a fixed fifth of decisions by id, the same on every run and for both models. */
export function isHeldOut(decisionId: string, fraction = 0.2): boolean {
  const h = createHash('sha256').update(`retrain-holdout:${decisionId}`).digest();
  return h.readUInt32BE(0) / 2 ** 32 < fraction;
}

export function countBy<T>(xs: readonly T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[key(x)] = (out[key(x)] ?? 0) + 1;
  return out;
}
