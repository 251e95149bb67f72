// Retraining from production: recorded decisions and their ratings (server/repos/training.ts) ->
// labels (labels.ts) -> a fixed fifth of decisions held out -> a candidate trained on the rest ->
// candidate and active version scored on the held-out slice -> artifacts and metrics for the model
// registry. The candidate is registered, never promoted here: an admin runs it in shadow, promotes or
// leaves it (server/repos/models.ts).
import { createHash } from 'node:crypto';
import { buildArtifacts, type Meta as ComplexityMeta } from '../complexity/artifact';
import type { FeatureParams } from '../complexity/featurize';
import { evaluate } from '../complexity/metrics';
import type { LinearModel } from '../complexity/model';
import { fineTune, predictSparse } from '../complexity/retrain';
import type { TrainingRow } from '../decisions/types';
import { DomainError } from '../lib/errors';
import { buildQualityArtifacts, type QualityMeta } from './artifact';
import { auc } from './eval/run';
import { FEATURE_COUNT } from './features';
import { answerExamples, complexityExamples, countBy, isHeldOut, type AnswerExample } from './labels';
import { QualityScorer } from './scorer';
import { trainQuality, type Labeled } from './train';

export const RETRAIN_KINDS = ['answer-quality', 'complexity'] as const;
export type RetrainKind = (typeof RETRAIN_KINDS)[number];

/** A stage of the run and how far it is, for a progress line. */
export type Progress = (p: { stage: string; done: number; total: number }) => void;

export interface Candidate {
  kind: RetrainKind;
  version: string;
  onnx: Uint8Array;
  meta: Record<string, unknown>;
  metrics: Record<string, unknown>;
  dataWindow: string;
}

const round = (x: number | null) => (x === null ? null : Number(x.toFixed(4)));
const idsHash = (ids: string[]) => createHash('sha256').update(ids.join('\n')).digest('hex');
export const windowText = (w: { from: Date; to: Date }, n: number) => `decisions ${w.from.toISOString()} .. ${w.to.toISOString()} (${n} kept)`;

function binaryMetrics(p: number[], y: number[]) {
  let loss = 0;
  let right = 0;
  p.forEach((q, k) => {
    const c = Math.min(1 - 1e-7, Math.max(1e-7, q));
    loss -= y[k] ? Math.log(c) : Math.log(1 - c);
    if ((q >= 0.5 ? 1 : 0) === y[k]) right++;
  });
  return { auc: round(auc(p, y)), logLoss: round(p.length ? loss / p.length : null), accuracy: round(p.length ? right / p.length : null) };
}

export interface AnswerRetrainOptions {
  l2?: number;
  /** Fewest labelled answers (train part) to train on, with both labels present. */
  minExamples?: number;
  progress?: Progress;
  /** Labelled answers trained on besides the recorded ones (the shipped answer files): never held out. */
  base?: { examples: Labeled[]; sources: string[] };
}

export async function retrainAnswerQuality(rows: readonly TrainingRow[], window: { from: Date; to: Date }, active: { scorer: QualityScorer | null; meta: QualityMeta | null }, opts: AnswerRetrainOptions = {}): Promise<Candidate> {
  const progress = opts.progress ?? (() => undefined);
  const l2 = opts.l2 ?? 0.01;
  progress({ stage: 'labelling', done: 0, total: rows.length });
  const examples = answerExamples(rows, FEATURE_COUNT);
  progress({ stage: 'labelling', done: rows.length, total: rows.length });
  const train = examples.filter((e) => !isHeldOut(e.decisionId));
  const held = examples.filter((e) => isHeldOut(e.decisionId));
  const min = opts.minExamples ?? 20;
  const pos = train.filter((e) => e.y === 1).length;
  if (train.length < min || pos === 0 || pos === train.length) {
    throw new DomainError('conflict', `not enough labelled answers to retrain answer-quality: ${train.length} in the training part (${pos} acceptable), need ${min} with both labels; ${rows.length} decisions kept in the window`);
  }
  const base = opts.base?.examples ?? [];
  progress({ stage: 'training', done: 0, total: train.length + base.length });
  const model = trainQuality([...train.map((e) => ({ x: e.x, y: e.y })), ...base], { l2 });
  progress({ stage: 'training', done: train.length + base.length, total: train.length + base.length });
  const scoreAll = async (s: QualityScorer | null, xs: AnswerExample[]) => (s ? s.score(xs.map((e) => e.x)) : null);
  const y = held.map((e) => e.y);
  const built0 = buildQualityArtifacts(model, { acceptThreshold: active.meta?.acceptThreshold ?? null, training: { dataSha256: idsHash(train.map((e) => e.decisionId)), rows: train.length + base.length, positives: pos + base.filter((b) => b.y === 1).length, sources: [windowText(window, rows.length), ...(opts.base?.sources ?? [])], l2, labelAt: 0.5 }, metrics: {} });
  progress({ stage: 'evaluating', done: 0, total: held.length });
  const cand = await QualityScorer.create(built0.onnxBytes, FEATURE_COUNT, built0.meta.modelVersion);
  let candP: number[];
  try {
    candP = (await scoreAll(cand, held))!;
  } finally {
    await cand.close();
  }
  const actP = await scoreAll(active.scorer, held);
  progress({ stage: 'evaluating', done: held.length, total: held.length });
  const metrics = {
    heldOut: { answers: held.length, acceptable: y.filter((v) => v === 1).length, bySource: countBy(held, (e) => e.source) },
    train: { answers: train.length, acceptable: pos, bySource: countBy(train, (e) => e.source), ...(base.length ? { base: { answers: base.length, sources: opts.base!.sources } } : {}) },
    candidate: binaryMetrics(candP, y),
    active: actP ? { version: active.scorer!.modelVersion, ...binaryMetrics(actP, y) } : null,
  };
  const built = buildQualityArtifacts(model, { ...built0.meta, metrics });
  return { kind: 'answer-quality', version: built.meta.modelVersion, onnx: built.onnxBytes, meta: built.meta as unknown as Record<string, unknown>, metrics, dataWindow: windowText(window, rows.length) };
}

export interface ActiveClassifier {
  version: string;
  model: LinearModel;
  params: FeatureParams;
  meta: ComplexityMeta;
}

export interface ComplexityRetrainOptions {
  minExamples?: number;
  epochs?: number;
  anchor?: number;
  /** Versions whose features mean what the active model's do (same feature parameters). */
  compatible?: ReadonlySet<string>;
  progress?: Progress;
}

export function retrainComplexity(rows: readonly TrainingRow[], window: { from: Date; to: Date }, active: ActiveClassifier, opts: ComplexityRetrainOptions = {}): Candidate {
  const progress = opts.progress ?? (() => undefined);
  const compatible = opts.compatible ?? new Set([active.version]);
  const all = complexityExamples(rows);
  const examples = all.filter((e) => compatible.has(e.model) && e.i.every((j) => j >= 0 && j < active.model.dim));
  const train = examples.filter((e) => !isHeldOut(e.decisionId));
  const held = examples.filter((e) => isHeldOut(e.decisionId));
  const min = opts.minExamples ?? 20;
  if (train.length < min) {
    throw new DomainError('conflict', `not enough labelled decisions to retrain complexity: ${train.length} in the training part, need ${min} (${all.length - examples.length} recorded by an incompatible featurizer skipped; ${rows.length} decisions kept in the window)`);
  }
  const epochs = opts.epochs ?? 60;
  const model = fineTune(active.model, train, { epochs, anchor: opts.anchor, onEpoch: (e) => progress({ stage: 'training', done: e, total: epochs }) });
  progress({ stage: 'evaluating', done: 0, total: held.length });
  const truth = held.map((e) => e.label);
  const report = (m: LinearModel) => {
    const r = evaluate(truth, held.map((e) => predictSparse(m, e)));
    return { accuracy: round(held.length ? r.accuracy : null), macroF1: round(held.length ? r.macroF1 : null) };
  };
  const metrics = {
    heldOut: { decisions: held.length, byLabel: countBy(held, (e) => e.label), bySource: countBy(held, (e) => e.source) },
    train: { decisions: train.length, byLabel: countBy(train, (e) => e.label), bySource: countBy(train, (e) => e.source) },
    candidate: report(model),
    active: { version: active.version, ...report(active.model) },
    skippedIncompatible: all.length - examples.length,
  };
  progress({ stage: 'evaluating', done: held.length, total: held.length });
  const perClass = countBy(train, (e) => e.label);
  const built = buildArtifacts(model, active.params, { seed: 0, dataSha256: idsHash(train.map((e) => e.decisionId)), examples: train.length, perClass, epochs, bestEpoch: epochs, valLoss: 0 }, { ...metrics, retrainedFrom: active.version });
  return { kind: 'complexity', version: built.meta.modelVersion, onnx: built.onnxBytes, meta: built.meta as unknown as Record<string, unknown>, metrics, dataWindow: windowText(window, rows.length) };
}
