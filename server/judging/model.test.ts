// The answer-quality model: training, ONNX export, and ONNX Runtime agreeing with the reference pass.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../lib/random';
import { buildQualityArtifacts } from './artifact';
import { forward, toOnnx } from './model';
import { QualityScorer } from './scorer';
import { logLoss, trainQuality, type Labeled } from './train';

function toy(n: number, seed: number): Labeled[] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const x = Float32Array.from({ length: 5 }, () => rand() * 4 - 2);
    x[4] = 3; // a constant feature must not break standardisation
    // Label from an XOR-free rule plus noise: x0 - x1 > 0.
    const y = x[0] - x[1] + (rand() - 0.5) * 0.5 > 0 ? 1 : 0;
    return { x, y };
  });
}

describe('answer-quality model', () => {
  const data = toy(400, 3);

  it('learns a linear rule and generalises', () => {
    const m = trainQuality(data, { l2: 0.001 });
    const test = toy(200, 4);
    const acc = test.filter((r) => (forward(m, r.x) >= 0.5 ? 1 : 0) === r.y).length / test.length;
    expect(acc).toBeGreaterThan(0.9);
    expect(logLoss(m, test)).toBeLessThan(0.3);
  });

  it('exports the same bytes for the same data (deterministic training and export)', () => {
    const a = toOnnx(trainQuality(data, { l2: 0.01 }));
    const b = toOnnx(trainQuality(data, { l2: 0.01 }));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const h1 = toOnnx(trainQuality(data, { hidden: 4, epochs: 50, seed: 2 }));
    const h2 = toOnnx(trainQuality(data, { hidden: 4, epochs: 50, seed: 2 }));
    expect(Buffer.from(h1).equals(Buffer.from(h2))).toBe(true);
  });

  for (const hidden of [0, 6]) {
    it(`runs in ONNX Runtime with the reference pass's numbers (hidden ${hidden})`, async () => {
      const m = trainQuality(data, { hidden, epochs: 80, l2: 0.01 });
      const art = buildQualityArtifacts(m, { acceptThreshold: 0.5, training: { dataSha256: 'x', rows: data.length, positives: 0, sources: [], l2: 0.01, labelAt: 0.5 }, metrics: {} });
      const scorer = await QualityScorer.create(art.onnxBytes, 5, art.meta.modelVersion);
      try {
        const rows = data.slice(0, 50).map((r) => r.x);
        const got = await scorer.score(rows);
        rows.forEach((x, i) => expect(got[i]).toBeCloseTo(forward(m, x), 5));
        await expect(scorer.score([new Float32Array(3)])).rejects.toThrow(/expected 5 features/);
      } finally {
        await scorer.close();
      }
    });
  }

  it('refuses to train on too little data', () => {
    expect(() => trainQuality(data.slice(0, 3))).toThrow(/at least 10/);
  });
});
