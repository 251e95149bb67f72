// The analyzer runs its ONNX model through onnxruntime-node's native session directly (no
// setImmediate turn before the computation): the same assessments, bit for bit, as through the
// public async InferenceSession.run(), and no turn of the event loop inside assess().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ComplexityAnalyzer } from './analyzer';
import { loadHoldout } from './data';
import { featurize } from './featurize';
import { EDGE_TEXTS } from './fixtures/edge-texts';

const TEXTS = [...EDGE_TEXTS, ...loadHoldout().map((r) => r.text)];

let native: ComplexityAnalyzer;
let viaPublicApi: ComplexityAnalyzer;
beforeAll(async () => {
  native = await ComplexityAnalyzer.create();
  viaPublicApi = await ComplexityAnalyzer.create({ asyncSession: true });
});
afterAll(async () => {
  await native.close();
  await viaPublicApi.close();
});

describe('analyzer on the native session', () => {
  it('assesses every text exactly as the public async session does', async () => {
    for (const t of TEXTS) expect(await native.assess(t)).toEqual(await viaPublicApi.assess(t));
  });

  it('classifies a batch exactly as the public async session does', async () => {
    const f = TEXTS.slice(0, 30).map((t) => featurize(t, native.featureParams));
    expect(await native.classify(f)).toEqual(await viaPublicApi.classify(f));
  });

  it('assess() computes in the caller turn: a setImmediate queued before it has not run when it resolves', async () => {
    const turned = async (a: ComplexityAnalyzer) => {
      let ran = false;
      setImmediate(() => (ran = true));
      await a.assess('Explain what a hash table is in two sentences.');
      return ran;
    };
    expect(await turned(native)).toBe(false);
    // The public API defers run() to a setImmediate queued after this one: the turn this avoids.
    expect(await turned(viaPublicApi)).toBe(true);
  });
});
