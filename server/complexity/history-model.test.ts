// The learned per-tier success estimate: fits what the outcomes say, falls back when it cannot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featurize } from './featurize';
import { blendWithHistory, historyScore, TierSuccessModel } from './history-model';
import { createAnalyzer, MemoryHistoryStore } from './index';

let plain: Awaited<ReturnType<typeof createAnalyzer>>;
beforeAll(async () => {
  plain = await createAnalyzer();
});
afterAll(async () => {
  await plain.close();
});

const CODE = (i: number) => `Write a python function that parses nested json config number ${i} and validates the schema`;
const TRIVIA = (i: number) => `What is the capital city of country number ${i} on the world map?`;
const hard = [{ tier: 'small' as const, success: false }, { tier: 'medium' as const, success: false }, { tier: 'large' as const, success: true }];
const easy = [{ tier: 'small' as const, success: true }, { tier: 'medium' as const, success: true }, { tier: 'large' as const, success: true }];

function trained(n = 40): TierSuccessModel {
  const m = new TierSuccessModel(plain.featureParams);
  for (let i = 0; i < n; i++) {
    m.add(featurize(CODE(i), plain.featureParams), hard, false);
    m.add(featurize(TRIVIA(i), plain.featureParams), easy, false);
  }
  m.fit();
  return m;
}

describe('TierSuccessModel', () => {
  it('learns which tier succeeds on which kind of query', () => {
    const m = trained();
    const code = m.estimate(featurize('Write a python function that parses a json config file', plain.featureParams));
    const trivia = m.estimate(featurize('What is the capital city of Peru?', plain.featureParams));
    expect(code.success.large!).toBeGreaterThan(code.success.medium!);
    expect(trivia.success.small!).toBeGreaterThan(code.success.small!);
    expect(historyScore(code)!).toBeGreaterThan(historyScore(trivia)!);
    expect(historyScore(code)!).toBeGreaterThan(0.55); // only the large tier succeeds: the complex band (2/3)
    expect(historyScore(trivia)!).toBeLessThan(0.3); // every tier succeeds: below the default t1 (the old 0.5-centred score gave ≥ 0.5)
    expect(code.support).toEqual({ small: 80, medium: 80, large: 80 });
  });

  it('scores on the band scale: the cheapest tier the outcomes say is needed', () => {
    const est = (small: number, medium: number, large: number) => ({ success: { small, medium, large }, support: { small: 99, medium: 99, large: 99 }, coverage: 1 });
    expect(historyScore(est(0.9, 0.9, 0.9))).toBe(0);
    expect(historyScore(est(0.95, 0.9, 0.92))).toBe(0);
    expect(historyScore(est(0.2, 0.9, 0.9))).toBeCloseTo(1 / 3, 9);
    expect(historyScore(est(0.1, 0.1, 0.9))).toBeCloseTo(2 / 3, 9);
    expect(historyScore(est(0.5, 0.55, 0.6))).toBeCloseTo((0.4 + 0.2) / 3, 9); // small gains count in proportion
    // with the history fully trusted, an easy query stays below the default t1 (0.3) whatever the classifier said
    const b = blendWithHistory(0.35, { ...est(0.9, 0.92, 0.93), support: { small: 1e6, medium: 1e6, large: 1e6 } })!;
    expect(b.score).toBeLessThan(0.3);
  });

  it('gives no estimate for a tier with too few outcomes, and blending then declines', () => {
    const m = new TierSuccessModel(plain.featureParams);
    for (let i = 0; i < 40; i++) m.add(featurize(CODE(i), plain.featureParams), [{ tier: 'small', success: false }]);
    const est = m.estimate(featurize(CODE(1), plain.featureParams));
    expect(est.success.small).not.toBeNull();
    expect(est.success.large).toBeNull();
    expect(blendWithHistory(0.4, est)).toBeNull();
  });

  it('keeps the classifier score for a query unlike anything stored (coverage)', () => {
    const m = trained();
    const est = m.estimate(featurize('Zebrafish oscillate harmonically underwater', plain.featureParams));
    expect(est.coverage).toBeLessThan(0.05);
    const b = blendWithHistory(0.7, est)!;
    expect(b.weight).toBeLessThan(0.05);
    expect(b.score).toBeCloseTo(0.7, 1);
  });

  it('a background refit ends with the same weights as a synchronous one', async () => {
    const a = trained();
    const b = new TierSuccessModel(plain.featureParams);
    for (let i = 0; i < 40; i++) {
      b.add(featurize(CODE(i), plain.featureParams), hard, false);
      b.add(featurize(TRIVIA(i), plain.featureParams), easy, false);
    }
    await b.fitInBackground(7);
    const f = featurize(CODE(3), plain.featureParams);
    expect(b.estimate(f)).toEqual(a.estimate(f));
  });

  it('live adds move the estimate without a refit', () => {
    const m = trained();
    const f = featurize('What is the capital city of Chile?', plain.featureParams);
    const before = m.estimate(f).success.small!;
    for (let i = 0; i < 20; i++) m.add(featurize(`What is the capital city of Chile? variant ${i}`, plain.featureParams), [{ tier: 'small', success: false }]);
    expect(m.estimate(f).success.small!).toBeLessThan(before);
  });
});

describe('analyzer with a learned history estimate', () => {
  it('blends the history score in and explains it', async () => {
    const store = new MemoryHistoryStore(plain.featureParams);
    for (let i = 0; i < 40; i++) {
      store.add(CODE(i), hard);
      store.add(TRIVIA(i), easy);
    }
    store.fit();
    const analyzer = await createAnalyzer({ history: store });
    const q = 'Write a python function that parses a json config file';
    const a = await analyzer.assess(q);
    const base = await plain.assess(q);
    await analyzer.close();
    expect(a.signals.history?.tierSuccess?.large).toBeGreaterThan(a.signals.history!.tierSuccess!.medium);
    expect(a.signals.history?.weight).toBeGreaterThan(0.3);
    expect(a.score).not.toBeCloseTo(base.score, 3);
    expect(a.band).toBe(base.band);
  });
});
