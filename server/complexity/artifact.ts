// Model artifacts: models/complexity.onnx (weights, run by ONNX Runtime) and
// models/complexity.meta.json (everything the featurizer needs to reproduce the training features).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DENSE_NAMES, type FeatureParams } from './featurize';
import { fromOnnx, toOnnx, type LinearModel } from './model';
import { MAX_CHARS } from './text';
import { BANDS } from './types';

export const DEFAULT_MODEL_PATH = 'models/complexity.onnx';
export const DEFAULT_META_PATH = 'models/complexity.meta.json';
export const FORMAT_VERSION = 1;

export interface Meta {
  formatVersion: number;
  /** Content-derived: changes whenever the weights change. */
  modelVersion: string;
  labels: string[];
  maxChars: number;
  features: { wordBuckets: number; charBuckets: number; ngramScale?: number; seeds: FeatureParams['seeds']; dense: string[]; idfBase64: string };
  training: { seed: number; dataSha256: string; examples: number; perClass: Record<string, number>; epochs: number; bestEpoch: number; valLoss: number };
  metrics: Record<string, unknown>;
}

export const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

function encodeIdf(idf: Float32Array): string {
  const bytes = new Uint8Array(idf.length * 4);
  const view = new DataView(bytes.buffer);
  idf.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return Buffer.from(bytes).toString('base64');
}

function decodeIdf(b64: string, n: number): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length !== n * 4) throw new Error(`complexity meta: IDF has ${bytes.length / 4} values, expected ${n}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
}

/** Writes atomically (temp file + rename) so a crash never leaves half an artifact. */
function writeAtomic(path: string, data: string | Uint8Array) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export function buildArtifacts(model: LinearModel, params: FeatureParams, training: Meta['training'], metrics: Meta['metrics']) {
  const onnxBytes = toOnnx(model, 'Cascade complexity classifier: features -> MatMul -> Add -> Softmax over [simple, moderate, complex, research]');
  const meta: Meta = {
    formatVersion: FORMAT_VERSION,
    modelVersion: `complexity-${sha256(onnxBytes).slice(0, 12)}`,
    labels: [...BANDS],
    maxChars: MAX_CHARS,
    features: { wordBuckets: params.wordBuckets, charBuckets: params.charBuckets, ngramScale: params.ngramScale ?? 1, seeds: params.seeds, dense: DENSE_NAMES, idfBase64: encodeIdf(params.idf) },
    training,
    metrics,
  };
  return { onnxBytes, meta, metaJson: `${JSON.stringify(meta, null, 2)}\n` };
}

export function writeArtifacts(modelPath: string, metaPath: string, a: { onnxBytes: Uint8Array; metaJson: string }) {
  writeAtomic(modelPath, a.onnxBytes);
  writeAtomic(metaPath, a.metaJson);
}

/** Feature parameters from a meta object (or its JSON), checked against this featurizer. */
export function paramsFromMeta(metaOrJson: Meta | string): FeatureParams {
  const meta = typeof metaOrJson === 'string' ? (JSON.parse(metaOrJson) as Meta) : metaOrJson;
  if (meta.formatVersion !== FORMAT_VERSION) throw new Error(`complexity meta: format ${meta.formatVersion}, expected ${FORMAT_VERSION}`);
  if (meta.features.dense.join() !== DENSE_NAMES.join()) throw new Error('complexity meta: dense features differ from this featurizer; retrain');
  const f = meta.features;
  return { wordBuckets: f.wordBuckets, charBuckets: f.charBuckets, ngramScale: f.ngramScale ?? 1, seeds: f.seeds, idf: decodeIdf(f.idfBase64, f.wordBuckets + f.charBuckets) };
}

export interface Loaded {
  onnxBytes: Uint8Array;
  model: LinearModel;
  params: FeatureParams;
  meta: Meta;
}

export function loadArtifacts(modelPath = DEFAULT_MODEL_PATH, metaPath = DEFAULT_META_PATH): Loaded {
  let onnxBytes: Uint8Array;
  let meta: Meta;
  try {
    onnxBytes = new Uint8Array(readFileSync(modelPath));
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
  } catch (err) {
    throw new Error(`complexity model: cannot read ${modelPath} / ${metaPath} (run \`npm run cascade -- train\`): ${(err as Error).message}`);
  }
  const params = paramsFromMeta(meta);
  const f = meta.features;
  const model = fromOnnx(onnxBytes);
  if (model.dim !== DENSE_NAMES.length + f.wordBuckets + f.charBuckets) throw new Error('complexity model: ONNX input size does not match the meta file');
  return { onnxBytes, model, params, meta };
}
