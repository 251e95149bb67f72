// Speed work on the analyzer must not change a single output: every text of the golden set
// (golden.ts) gives the same features and the same assessment, bit for bit, as when the fixture
// was written. Fails on any difference in a score, probability, band, signal or feature value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessmentDigest, featuresDigest, goldenTexts, readGolden } from './golden';
import { createHash } from 'node:crypto';
import { featureNames, featureNamesOfTokens, featurizeWithTokens } from './featurize';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelTiers, outcomesFromJsonl } from './history';
import { createAnalyzer, loadHistoryStore, MemoryHistoryStore } from './index';

let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
beforeAll(async () => {
  analyzer = await createAnalyzer();
});
afterAll(async () => {
  await analyzer.close();
});

describe('golden outputs (fixtures/golden.json)', () => {
  const golden = readGolden();
  const texts = goldenTexts();

  it('is for the shipped model and the same texts', () => {
    // A retrained model changes every output: regenerate the fixture then (see golden.ts).
    expect(analyzer.modelVersion).toBe(golden.modelVersion);
    expect(texts.length).toBe(golden.count);
  });

  it('featurize() gives the same indices, values, structure, keywords and language', () => {
    expect(featuresDigest(texts, analyzer.featureParams)).toBe(golden.features);
  });

  it('assess() gives the same assessment for every text', async () => {
    const changed: string[] = [];
    for (const t of texts) {
      const key = createHash('sha256').update(t).digest('hex').slice(0, 16);
      if (assessmentDigest(await analyzer.assess(t)) !== golden.assessments[key]) changed.push(t.slice(0, 60));
    }
    expect(changed).toEqual([]);
  });

  it('concurrent assessments give the same results as sequential ones', async () => {
    const some = texts.slice(0, 300);
    const seq: string[] = [];
    for (const t of some) seq.push(assessmentDigest(await analyzer.assess(t)));
    const par = await Promise.all(some.map((t) => analyzer.assess(t).then(assessmentDigest)));
    expect(par).toEqual(seq);
  });

  it('names features from the featurizer\'s tokens exactly as featureNames() does from the text', () => {
    const p = analyzer.featureParams;
    for (const t of texts.slice(0, 400)) {
      const { features, tokens } = featurizeWithTokens(t, p);
      // All indices, and small subsets (the early exit must not stop before a wanted name).
      for (const wanted of [features.indices, features.indices.slice(-3), features.indices.slice(0, 1)]) {
        expect(featureNamesOfTokens(tokens, p, wanted)).toEqual(featureNames(t, p, wanted));
      }
    }
  });
});

describe('history neighbours from the analyzer\'s own features', () => {
  it('gives the same assessments as featurizing the text again in the store', async () => {
    const dir = join(process.cwd(), 'test', 'fixtures', 'outcomes');
    // Without estimate(): the neighbour path. One store takes the analyzer's features, one cannot.
    let store: MemoryHistoryStore | null = null;
    const shared = await createAnalyzer({ history: { size: 1, neighbours: (t, k, pre) => store!.neighbours(t, k, pre) } });
    const again = await createAnalyzer({ history: { size: 1, neighbours: (t, k) => store!.neighbours(t, k) } });
    // Built with the sharing analyzer's own parameter object, as the runtime's store is (LiveRatingHistory.attach).
    store = loadHistoryStore(dir, shared.featureParams);
    // The stored prompts themselves (and a variant of each): their neighbours are close enough to tilt.
    const tiers = defaultModelTiers(dir);
    const asked = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).flatMap((f) => outcomesFromJsonl(join(dir, f), tiers).map((r) => r.text));
    const inputs = [...asked, ...asked.map((t) => `Please answer: ${t}`), ...goldenTexts().slice(0, 100)];
    try {
      let tilted = 0;
      for (const t of inputs) {
        const a = await shared.assess(t);
        expect(assessmentDigest(a)).toBe(assessmentDigest(await again.assess(t)));
        if ((a.signals.history?.shift ?? 0) !== 0) tilted++;
      }
      expect(tilted).toBeGreaterThan(10); // the history actually moved results, so a wrong neighbour set would show
    } finally {
      await shared.close();
      await again.close();
    }
  });
});
