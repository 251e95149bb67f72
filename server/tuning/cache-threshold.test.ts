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
});
