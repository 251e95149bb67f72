// Rated decisions feed the analyzer's learned per-tier estimate: one outcome per rating (the tier
// that answered); the estimate takes over from neighbour tilting once every tier has 30 ratings.
import './preload-native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../complexity';
import { featurize } from '../complexity/featurize';
import { defaultPolicy } from '../routing/policy';
import { LiveRatingHistory } from './rating-history';

let plain: Awaited<ReturnType<typeof createAnalyzer>>;
beforeAll(async () => {
  plain = await createAnalyzer();
});
afterAll(() => plain.close());

describe('LiveRatingHistory learned estimate', () => {
  it('estimates every tier once each has enough ratings, and the analyzer then uses it', async () => {
    const policy = defaultPolicy();
    const h = new LiveRatingHistory();
    h.attach(plain.featureParams);
    const q = (i: number) => `Draft a legal contract clause about indemnity for vendor number ${i}`;
    // Small and medium answers to contract drafting were rated down, large ones up.
    for (let i = 0; i < 30; i++) {
      expect(h.add(policy, { preview: q(i), finalTier: policy.targets.small, rating: -1 })).toBe(true);
      h.add(policy, { preview: q(i + 100), finalTier: policy.targets.medium, rating: -1 });
      if (i < 29) h.add(policy, { preview: q(i + 200), finalTier: policy.targets.large, rating: 1 });
    }
    const f = featurize(q(999), plain.featureParams);
    expect(h.estimate(f)?.success.large).toBeNull(); // 29 large ratings: not yet
    h.add(policy, { preview: q(229), finalTier: policy.targets.large, rating: 1 });
    const est = h.estimate(f)!;
    expect(est.support).toEqual({ small: 30, medium: 30, large: 30 });
    expect(est.success.large!).toBeGreaterThan(est.success.small!);

    const analyzer = await createAnalyzer({ history: h });
    try {
      const a = await analyzer.assess(q(999));
      expect(a.signals.history?.tierSuccess).toBeDefined();
      expect(a.score).toBeGreaterThan((await plain.assess(q(999))).score);
    } finally {
      await analyzer.close();
    }
  });
});
