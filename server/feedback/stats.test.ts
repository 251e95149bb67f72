import { describe, expect, it } from 'vitest';
import { normalCdf, significantDrop, wilson } from './stats';

describe('wilson', () => {
  it('matches the textbook value for 8 of 10', () => {
    const ci = wilson(8, 10);
    expect(ci.rate).toBeCloseTo(0.8, 10);
    expect(ci.low).toBeCloseTo(0.4902, 3);
    expect(ci.high).toBeCloseTo(0.9433, 3);
  });
  it('stays inside [0, 1] at the extremes and never returns NaN', () => {
    for (const [s, n] of [[0, 5], [5, 5], [0, 0], [3, Number.NaN], [7, 5], [-1, 5]] as const) {
      const ci = wilson(s, n);
      for (const v of [ci.rate, ci.low, ci.high]) {
        expect(Number.isNaN(v)).toBe(false);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(ci.low).toBeLessThanOrEqual(ci.high);
    }
    expect(wilson(0, 20).low).toBe(0);
    expect(wilson(0, 20).high).toBeGreaterThan(0.1);
  });
  it('narrows as n grows', () => {
    const w = (n: number) => wilson(0.7 * n, n);
    expect(w(1000).high - w(1000).low).toBeLessThan(w(100).high - w(100).low);
  });
});

describe('normalCdf', () => {
  it('agrees with known quantiles', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5);
    expect(normalCdf(-1.644854)).toBeCloseTo(0.05, 5);
  });
});

describe('significantDrop', () => {
  it('flags a large drop on enough samples', () => {
    const t = significantDrop({ successes: 900, n: 1000 }, { successes: 800, n: 1000 });
    expect(t.significant).toBe(true);
    expect(t.pValue).toBeLessThan(0.001);
  });
  it('does not flag a small difference, a rise, or too few samples', () => {
    expect(significantDrop({ successes: 90, n: 100 }, { successes: 87, n: 100 }).significant).toBe(false);
    expect(significantDrop({ successes: 800, n: 1000 }, { successes: 900, n: 1000 }).significant).toBe(false);
    expect(significantDrop({ successes: 10, n: 10 }, { successes: 0, n: 10 }, { minSamples: 50 }).significant).toBe(false);
  });
  it('needs the drop to exceed minDrop', () => {
    const big = { successes: 90_000, n: 100_000 };
    const slightly = { successes: 89_000, n: 100_000 };
    expect(significantDrop(big, slightly).significant).toBe(true);
    expect(significantDrop(big, slightly, { minDrop: 0.02 }).significant).toBe(false);
  });
  it('has no variance to test when everything succeeded', () => {
    const t = significantDrop({ successes: 50, n: 50 }, { successes: 50, n: 50 });
    expect(t.z).toBe(0);
    expect(t.significant).toBe(false);
  });
});
