import { describe, expect, it } from 'vitest';
import { tuneCacheThreshold, type CacheHitRating } from './cache-threshold';
import { createRng } from './rng';

const opts = { target: 0.9, minSamples: 100, maxStep: 0.01 };

/** Hits whose success rises with similarity: 0.9 is reached at similarity `knee`. */
function hits(n: number, from: number, knee: number, seed: number): CacheHitRating[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const similarity = from + rng() * (1 - from);
    const p = Math.min(0.99, 0.9 + (similarity - knee) * 2);
    return { similarity, success: rng() < p ? 1 : 0 };
  });
}

describe('tuneCacheThreshold', () => {
  it('keeps the threshold without enough ratings', () => {
    const r = tuneCacheThreshold(0.92, hits(50, 0.92, 0.9, 1), opts);
    expect(r.changed).toBe(false);
    expect(r.reason).toMatch(/need 100/);
  });
  it('raises the threshold when near-threshold hits fall short', () => {
    const r = tuneCacheThreshold(0.85, hits(2000, 0.85, 0.93, 2), opts);
    expect(r.threshold).toBeCloseTo(0.86, 6);
  });
  it('lowers it, one step, when even the least similar hits are good', () => {
    const r = tuneCacheThreshold(0.95, hits(2000, 0.95, 0.9, 3), opts);
    expect(r.threshold).toBeCloseTo(0.94, 6);
  });
  it('converges on the knee and stays within bounds', () => {
    let t = 0.8;
    for (let round = 0; round < 40; round++) {
      const r = tuneCacheThreshold(t, hits(1500, t, 0.9, 10 + round), { ...opts, maxStep: 0.02 });
      expect(Math.abs(r.threshold - t)).toBeLessThanOrEqual(0.02 + 1e-9);
      expect(r.threshold).toBeGreaterThanOrEqual(0.5);
      expect(r.threshold).toBeLessThanOrEqual(0.99);
      t = r.threshold;
    }
    expect(t).toBeGreaterThan(0.87);
    expect(t).toBeLessThan(0.93);
  });
  it('undoes rater flips: with 10 % of ratings flipped it still converges on the knee', () => {
    const flipped = (n: number, from: number, seed: number) => {
      const rng = createRng(seed * 7919);
      return hits(n, from, 0.9, seed).map((h) => (rng() < 0.1 ? { ...h, success: 1 - h.success } : h));
    };
    const run = (noise: number | undefined) => {
      let t = 0.8;
      for (let round = 0; round < 40; round++) t = tuneCacheThreshold(t, flipped(1500, t, 10 + round), { ...opts, maxStep: 0.02, noise }).threshold;
      return t;
    };
    const corrected = run(0.1);
    expect(corrected).toBeGreaterThan(0.87);
    expect(corrected).toBeLessThan(0.93);
    // uncorrected, flips read a true 90 % as 82 %: it climbs toward the ceiling and gives the cache up
    expect(run(undefined)).toBeGreaterThan(0.96);
    const r = tuneCacheThreshold(0.9, flipped(2000, 0.9, 99), { ...opts, noise: 0.1 });
    expect(r.evidence.noise).toBe(0.1);
    expect(r.evidence.rate).toBeGreaterThan(0.9); // reported on the corrected scale
  });
});
