// Model artifacts: models/answer-quality.onnx (run by ONNX Runtime) and models/answer-quality.meta.json
// (feature names the weights were trained on, the accept thresholds chosen at training time, metrics).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FEATURE_NAMES } from './features';
import { toOnnx, type QualityModel } from './model';
import { QualityScorer } from './scorer';

export const DEFAULT_QUALITY_MODEL = 'models/answer-quality.onnx';
export const DEFAULT_QUALITY_META = 'models/answer-quality.meta.json';
export const QUALITY_FORMAT = 1;

export interface QualityMeta {
  formatVersion: number;
  modelVersion: string;
  features: string[];
  hidden: number;
  /** Accept threshold that reached the target share of the large tier's quality on the training data (out of fold). */
  acceptThreshold: number | null;
  training: { dataSha256: string; rows: number; positives: number; sources: string[]; l2: number; labelAt: number };
  metrics: Record<string, unknown>;
}

const sha256 = (d: string | Uint8Array) => createHash('sha256').update(d).digest('hex');

export function buildQualityArtifacts(model: QualityModel, meta: Omit<QualityMeta, 'formatVersion' | 'modelVersion' | 'features' | 'hidden'>) {
  const onnxBytes = toOnnx(model, 'Cascade answer-quality model: answer features -> P(acceptable)');
  const full: QualityMeta = { formatVersion: QUALITY_FORMAT, modelVersion: `answer-quality-${sha256(onnxBytes).slice(0, 12)}`, features: [...FEATURE_NAMES], hidden: model.hidden, ...meta };
  return { onnxBytes, meta: full, metaJson: `${JSON.stringify(full, null, 2)}\n` };
}

function writeAtomic(path: string, data: string | Uint8Array) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function writeQualityArtifacts(modelPath: string, metaPath: string, a: { onnxBytes: Uint8Array; metaJson: string }) {
  writeAtomic(modelPath, a.onnxBytes);
  writeAtomic(metaPath, a.metaJson);
}

/** Loads and checks the artifact pair against this featurizer; throws a message that names the fix. */
export async function loadQualityScorer(modelPath = DEFAULT_QUALITY_MODEL, metaPath = DEFAULT_QUALITY_META): Promise<{ scorer: QualityScorer; meta: QualityMeta }> {
  let bytes: Uint8Array;
  let meta: QualityMeta;
  try {
    bytes = new Uint8Array(readFileSync(modelPath));
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as QualityMeta;
  } catch (e) {
    throw new Error(`answer-quality model: cannot read ${modelPath} / ${metaPath} (run \`npm run cascade -- train-judge\`): ${(e as Error).message}`);
  }
  if (meta.formatVersion !== QUALITY_FORMAT) throw new Error(`answer-quality model: format ${meta.formatVersion}, expected ${QUALITY_FORMAT}`);
  if (meta.features.join() !== FEATURE_NAMES.join()) throw new Error('answer-quality model: its features differ from this featurizer; retrain with `npm run cascade -- train-judge`');
  return { scorer: await QualityScorer.create(bytes, FEATURE_NAMES.length, meta.modelVersion), meta };
}
