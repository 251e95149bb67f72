import { describe, expect, it } from 'vitest';
import { estimateSuccess } from './estimate';
import { agreementOf, correctForNoise, estimateNoise } from './noise';
import { createRng } from './rng';
import type { RatedObservation } from './types';

describe('rater noise', () => {
  it('counts agreeing pairs among every pair of raters of a decision', () => {
    expect(agreementOf([{ up: 2, down: 0 }, { up: 1, down: 1 }, { up: 2, down: 1 }])).toEqual({ pairs: 1 + 1 + 3, agree: 1 + 0 + 1 });
  });
  it('recovers the flip probability from the agreement of two raters', () => {
    const rng = createRng(3);
    for (const p of [0, 0.05, 0.15, 0.3]) {
      const decisions = Array.from({ length: 20_000 }, () => {
        const good = rng() < 0.6;
        const a = rng() < p ? !good : good;
        const b = rng() < p ? !good : good;
        return { up: Number(a) + Number(b), down: 2 - Number(a) - Number(b) };
      });
      const e = estimateNoise(agreementOf(decisions));
      expect(e.source).toBe('agreement');
      expect(Math.abs(e.noise - p)).toBeLessThan(0.015);
    }
  });
  it('uses a prior as pseudo-pairs, and gives no estimate from too few pairs without one', () => {
    expect(estimateNoise({ pairs: 10, agree: 5 })).toMatchObject({ noise: 0, source: 'none' });
    expect(estimateNoise({ pairs: 0, agree: 0 }, { noise: 0.1 }).noise).toBeCloseTo(0.1, 10);
    // 100 pairs that all agree and a prior of 0.1 worth 100 pairs: half the prior's disagreement.
    const mixed = estimateNoise({ pairs: 100, agree: 100 }, { noise: 0.1, pairs: 100 });
    expect(mixed.source).toBe('agreement+prior');
    expect(mixed.disagreement).toBeCloseTo(0.09, 10);
    expect(estimateNoise({ pairs: 100, agree: 0 }).noise).toBe(0.45);
  });
  it('undoes the flips on the fitted curves', () => {
    const rng = createRng(5);
    const p = 0.2;
    const obs: RatedObservation[] = Array.from({ length: 40_000 }, () => {
      const score = rng();
      const tier = Math.floor(rng() * 3) as 0 | 1 | 2;
      const good = rng() < 0.9 - 0.3 * tier * score;
      return { score, tier, success: (rng() < p ? !good : good) ? 1 : 0 };
    });
    const raw = estimateSuccess(obs);
    const fixed = correctForNoise(raw, p);
    // Observed rates are pulled toward 0.5; corrected ones are back on the true curve.
    expect(raw.predict(0, 0.5)).toBeLessThan(0.8);
    expect(fixed.predict(0, 0.5)).toBeCloseTo(0.9, 1);
    expect(fixed.predict(2, 0.95)).toBeCloseTo(0.9 - 0.6 * 0.95, 1);
    expect(correctForNoise(raw, 0)).toBe(raw);
  });
});
