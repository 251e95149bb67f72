// Train -> evaluate -> artifacts, shared by `cascade train`, `cascade eval-classifier` and the tests.
import { buildArtifacts, sha256 } from './artifact';
import { loadHoldout, loadTrainingSet, type LabeledRow } from './data';
import { featurize, type FeatureParams } from './featurize';
import { forwardSparse, type LinearModel } from './model';
import { evaluate, type Report } from './metrics';
import { stratifiedSplit, train, type Example, type TrainOptions } from './train';
import { BANDS, type Band } from './types';

export function predictBand(model: LinearModel, params: FeatureParams, text: string): Band {
  const f = featurize(text, params);
  const p = forwardSparse(model, f.indices, f.values);
  return BANDS[p.indexOf(Math.max(...p))];
}

export function evaluateOn(model: LinearModel, params: FeatureParams, rows: { text: string; label: Band }[]): Report {
  return evaluate(
    rows.map((r) => r.label),
    rows.map((r) => predictBand(model, params, r.text)),
  );
}

export const summary = (r: Report) => ({ n: r.n, accuracy: round(r.accuracy), macroF1: round(r.macroF1) });
const round = (x: number) => Math.round(x * 1e4) / 1e4;

export interface TrainRun {
  onnxBytes: Uint8Array;
  metaJson: string;
  modelVersion: string;
  validation: Report;
  holdout: Report | null;
}

/** Full training run on data/complexity: the artifact written by `cascade train`. */
export function trainArtifacts(opts: TrainOptions & { dataDir?: string; limit?: number } = {}): TrainRun {
  const seed = opts.seed ?? 1;
  const { examples: all, raw } = loadTrainingSet(opts.dataDir, seed);
  const examples = opts.limit ? stratifiedSplit(all, 1 - opts.limit / all.length, seed).train : all;
  const result = train(examples, { ...opts, seed });
  // The validation report covers the early-stopping split (same seed -> same split as in train()).
  const { test: valSet } = stratifiedSplit(examples, opts.valFraction ?? 0.1, seed);
  const validation = evaluateOn(result.model, result.params, valSet);
  let holdoutRows: LabeledRow[] | null = null;
  try {
    holdoutRows = loadHoldout(opts.dataDir);
  } catch {
    holdoutRows = null;
  }
  const holdout = holdoutRows ? evaluateOn(result.model, result.params, holdoutRows) : null;
  const perClass = Object.fromEntries(BANDS.map((b) => [b, examples.filter((e) => e.label === b).length]));
  const built = buildArtifacts(
    result.model,
    result.params,
    { seed, dataSha256: sha256(raw), examples: examples.length, perClass, epochs: result.epochs, bestEpoch: result.bestEpoch, valLoss: round(result.valLoss) },
    { validation: summary(validation), realisticHoldout: holdout ? summary(holdout) : null },
  );
  return { onnxBytes: built.onnxBytes, metaJson: built.metaJson, modelVersion: built.meta.modelVersion, validation, holdout };
}

/**
 * Held-out split for evaluation: a stratified share of the original rows; typo'd copies follow
 * their original (a copy of a test row in training would leak it).
 */
export function heldOutSplit(examples: Example[], fraction: number, seed: number): { train: Example[]; test: Example[] } {
  const originals = examples.filter((e) => !e.augmented);
  const { test } = stratifiedSplit(originals, fraction, seed ^ 0x7f4a7c15);
  const testTexts = new Set(test.map((e) => e.text));
  const train: Example[] = [];
  let lastOriginalInTest = false;
  for (const e of examples) {
    if (!e.augmented) lastOriginalInTest = testTexts.has(e.text);
    if (!lastOriginalInTest) train.push(e);
  }
  return { train, test };
}

export interface LosoResult {
  pooled: Report;
  perSource: { source: string; n: number; accuracy: number; label: string }[];
}

/** Leave-one-source-out: train without a source, predict it; pooled over all held-out sources. */
export function leaveOneSourceOut(examples: Example[], opts: TrainOptions = {}, onFold?: (source: string) => void): LosoResult {
  const sources = [...new Set(examples.map((e) => e.source))].sort();
  const truth: Band[] = [];
  const pred: Band[] = [];
  const perSource: LosoResult['perSource'] = [];
  for (const source of sources) {
    onFold?.(source);
    const rest = examples.filter((e) => e.source !== source);
    // Score each distinct text once (typo'd copies are training augmentation, not test cases).
    const held = examples.filter((e) => e.source === source && !e.augmented);
    if (new Set(rest.map((e) => e.label)).size < BANDS.length) continue;
    const { model, params } = train(rest, opts);
    let correct = 0;
    for (const e of held) {
      const p = predictBand(model, params, e.text);
      truth.push(e.label);
      pred.push(p);
      if (p === e.label) correct++;
    }
    const labels = [...new Set(held.map((e) => e.label))].join('/');
    perSource.push({ source, n: held.length, accuracy: held.length ? correct / held.length : 0, label: labels });
  }
  return { pooled: evaluate(truth, pred), perSource };
}
