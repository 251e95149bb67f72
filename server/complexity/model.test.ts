// The ONNX graph must compute exactly what the TypeScript reference computes, and training must be
// reproducible: same seed and data -> byte-identical artifacts.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadArtifacts, paramsFromMeta } from './artifact';
import { loadHoldout } from './data';
import { featurize, toDense, type FeatureParams } from './featurize';
import { EDGE_TEXTS } from './fixtures/edge-texts';
import { forwardSparse, fromOnnx, softmax, toOnnxSparse } from './model';
import { trainArtifacts } from './pipeline';

const SAMPLE = [...EDGE_TEXTS, ...loadHoldout().slice(0, 40).map((r) => r.text)];

/** Max |ONNX Runtime - TypeScript reference| over all class probabilities, batched run. */
async function onnxVsReference(onnxBytes: Uint8Array, params: FeatureParams, texts: string[]): Promise<number> {
  const model = fromOnnx(onnxBytes);
  const session = await ort.InferenceSession.create(onnxBytes);
  const x = new Float32Array(texts.length * model.dim);
  const feats = texts.map((t, i) => {
    const f = featurize(t, params);
    toDense(f, x, i * model.dim, model.dim);
    return f;
  });
  const out = await session.run({ features: new ort.Tensor('float32', x, [texts.length, model.dim]) });
  await session.release();
  const probs = out.probs.data as Float32Array;
  let worst = 0;
  feats.forEach((f, i) => forwardSparse(model, f.indices, f.values).forEach((v, c) => (worst = Math.max(worst, Math.abs(v - probs[i * 4 + c])))));
  return worst;
}

/** Max |sparse serving graph - TypeScript reference|, one run per text (as the analyzer serves). */
async function sparseVsReference(onnxBytes: Uint8Array, params: FeatureParams, texts: string[]): Promise<number> {
  const model = fromOnnx(onnxBytes);
  const session = await ort.InferenceSession.create(toOnnxSparse(model));
  let worst = 0;
  for (const t of texts) {
    const f = featurize(t, params);
    const out = await session.run({ indices: new ort.Tensor('int32', f.indices, [f.indices.length]), values: new ort.Tensor('float32', f.values, [f.values.length, 1]) });
    const probs = out.probs.data as Float32Array;
    forwardSparse(model, f.indices, f.values).forEach((v, c) => (worst = Math.max(worst, Math.abs(v - probs[c]))));
  }
  // No non-zero feature at all: the sum over no rows is zero and the answer is softmax(b).
  const none = await session.run({ indices: new ort.Tensor('int32', new Int32Array(0), [0]), values: new ort.Tensor('float32', new Float32Array(0), [0, 1]) });
  softmax(Array.from(model.bias)).forEach((v, c) => (worst = Math.max(worst, Math.abs(v - (none.probs.data as Float32Array)[c]))));
  await session.release();
  return worst;
}

describe('complexity model', () => {
  it('the sparse serving graph computes what the TypeScript forward pass does (max abs diff <= 1e-5)', async () => {
    const { onnxBytes, params } = loadArtifacts();
    expect(await sparseVsReference(onnxBytes, params, SAMPLE)).toBeLessThanOrEqual(1e-5);
  });

  it('committed ONNX model matches the TypeScript forward pass (max abs diff <= 1e-5)', async () => {
    const { onnxBytes, params } = loadArtifacts();
    expect(await onnxVsReference(onnxBytes, params, SAMPLE)).toBeLessThanOrEqual(1e-5);
  });

  it('training is reproducible: same seed -> same bytes, other seed -> other bytes; fresh model matches ONNX', async () => {
    const opts = { seed: 7, limit: 400, maxEpochs: 15, wordBuckets: 1 << 12, charBuckets: 1 << 11 };
    const a = trainArtifacts(opts);
    const b = trainArtifacts(opts);
    expect(Buffer.from(a.onnxBytes).equals(Buffer.from(b.onnxBytes))).toBe(true);
    expect(a.metaJson).toBe(b.metaJson);
    const other = trainArtifacts({ ...opts, seed: 8 });
    expect(Buffer.from(a.onnxBytes).equals(Buffer.from(other.onnxBytes))).toBe(false);
    expect(await onnxVsReference(a.onnxBytes, paramsFromMeta(a.metaJson), SAMPLE)).toBeLessThanOrEqual(1e-5);
  });
});
