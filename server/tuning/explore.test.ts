import { describe, expect, it } from 'vitest';
import { explore, exploreForRequest } from './explore';
import { checkRollback } from './rollback';
import { createRng, shuffled } from './rng';

describe('explore', () => {
  it('sends about `share` of traffic to a neighbour tier, never further', () => {
    const rng = createRng(1);
    let moved = 0;
    for (let i = 0; i < 20000; i++) {
      const tier = i % 3;
      const c = explore(tier, 0.1, rng(), rng());
      expect(Math.abs(c.tier - tier)).toBeLessThanOrEqual(1);
      expect(c.tier).toBeGreaterThanOrEqual(0);
      expect(c.tier).toBeLessThanOrEqual(2);
      if (c.shift !== 0) moved++;
    }
    expect(moved / 20000).toBeGreaterThan(0.09);
    expect(moved / 20000).toBeLessThan(0.11);
  });
  it('never explores with share 0 and uses the only neighbour at the ends', () => {
    expect(explore(1, 0, 0, 0).shift).toBe(0);
    expect(explore(0, 1, 0, 0.1)).toEqual({ tier: 1, shift: 1 });
    expect(explore(2, 1, 0, 0.9)).toEqual({ tier: 1, shift: -1 });
  });
  it('is deterministic per request id and seed', () => {
    const a = Array.from({ length: 200 }, (_, i) => exploreForRequest(`d-${i}`, 1, 0.2, 7).tier);
    const b = Array.from({ length: 200 }, (_, i) => exploreForRequest(`d-${i}`, 1, 0.2, 7).tier);
    const c = Array.from({ length: 200 }, (_, i) => exploreForRequest(`d-${i}`, 1, 0.2, 8).tier);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
  it('shuffles deterministically', () => {
    const xs = Array.from({ length: 50 }, (_, i) => i);
    expect(shuffled(xs, createRng(1))).toEqual(shuffled(xs, createRng(1)));
    expect(shuffled(xs, createRng(1)).slice().sort((p, q) => p - q)).toEqual(xs);
  });
});

describe('checkRollback', () => {
  it('rolls back on a significant drop', () => {
    const v = checkRollback({ successes: 180, n: 200 }, { successes: 140, n: 200 });
    expect(v.rollback).toBe(true);
    expect(v.reason).toMatch(/fell from 90.0 % to 70.0 %/);
  });
  it('waits for enough ratings and ignores noise', () => {
    expect(checkRollback({ successes: 180, n: 200 }, { successes: 10, n: 20 }).rollback).toBe(false);
    expect(checkRollback({ successes: 180, n: 200 }, { successes: 176, n: 200 }).rollback).toBe(false);
  });
});
