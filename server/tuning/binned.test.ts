import { describe, expect, it } from 'vitest';
import { binOf, evalBinned, fitBinned } from './binned';
import { estimateSuccess } from './estimate';
import { createRng } from './rng';
import type { RatedObservation, TierIndex } from './types';

// An inverted-U world: every tier does best in the middle; the large tier is 0.2 better throughout.
const truth = (k: number, s: number) => Math.min(1, 0.3 + 0.6 * (1 - Math.abs(2 * s - 1)) + (k === 2 ? 0.1 : k === 1 ? 0.05 : 0) - (k === 0 ? 0.1 : 0));

function sample(n: number, seed: number, tierOf: (s: number) => TierIndex): RatedObservation[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const score = rng();
    const tier = tierOf(score);
    return { score, tier, success: rng() < truth(tier, score) ? 1 : 0 };
  });
}

describe('fitBinned', () => {
  it('places scores in quantile bins', () => {
    expect(binOf([0.2, 0.5], 0.1)).toBe(0);
    expect(binOf([0.2, 0.5], 0.2)).toBe(1);
    expect(binOf([0.2, 0.5], 0.9)).toBe(2);
  });
  it('follows a curve that rises and falls, which a monotone fit cannot', () => {
    const obs = sample(6000, 1, (s) => (Math.floor(s * 1000) % 3) as TierIndex);
    const fit = fitBinned(obs, { bins: 10 });
    for (const s of [0.05, 0.5, 0.95]) expect(evalBinned(fit, 1, s)).toBeCloseTo(truth(1, s), 0);
    expect(evalBinned(fit, 1, 0.5)).toBeGreaterThan(evalBinned(fit, 1, 0.05) + 0.3);
    expect(evalBinned(fit, 1, 0.5)).toBeGreaterThan(evalBinned(fit, 1, 0.95) + 0.3);
  });
  it('borrows the shape of the other tiers where a tier has no ratings', () => {
    // Small is seen below 0.4 (and, exploring, in medium's band), large above 0.6 (and exploring in
    // medium's band): neither has a single rating in the other's band.
    const rng = createRng(5);
    const obs = sample(6000, 2, (s) => {
      const planned = s < 0.4 ? 0 : s < 0.6 ? 1 : 2;
      if (planned !== 1 || rng() > 0.2) return planned as TierIndex;
      return (rng() < 0.5 ? 0 : 2) as TierIndex;
    });
    expect(obs.some((o) => o.tier === 0 && o.score >= 0.6)).toBe(false);
    const m = estimateSuccess(obs, { method: 'binned' });
    expect(m.predict(0, 0.95)).toBeLessThan(m.predict(0, 0.5));
    expect(m.predict(2, 0.05)).toBeLessThan(m.predict(2, 0.5));
    expect(Math.abs(m.predict(0, 0.95) - truth(0, 0.95))).toBeLessThan(0.15);
  });
  it('predicts within [0, 1] and handles no ratings', () => {
    const m = estimateSuccess([], { method: 'binned' });
    expect(m.predict(1, 0.3)).toBe(0.5);
    const one = estimateSuccess([{ score: 0.2, tier: 0, success: 1 }], { method: 'binned' });
    for (const k of [0, 1, 2] as const) {
      expect(one.predict(k, 0.9)).toBeGreaterThanOrEqual(0);
      expect(one.predict(k, 0.9)).toBeLessThanOrEqual(1);
    }
  });
});
