import { describe, expect, it } from 'vitest';
import { apgr, costAt95, costToReach, evaluate, oracle, paretoFrontier, thresholdCandidates, upperHull, type OutcomeRow } from './metrics';

const row = (s: number, m: number, l: number): OutcomeRow => ({
  small: { score: s, cost: 1 },
  medium: { score: m, cost: 3 },
  large: { score: l, cost: 10 },
});

describe('evaluation metrics', () => {
  it('evaluates an assignment with shares', () => {
    const e = evaluate([row(1, 1, 1), row(0, 1, 1)], ['small', 'large']);
    expect(e).toEqual({ quality: 1, cost: 5.5, share: { small: 0.5, medium: 0, large: 0.5 } });
    expect(() => evaluate([], [])).toThrow(/no rows/);
    expect(() => evaluate([row(1, 1, 1)], [])).toThrow(/length/);
  });

  it('oracle picks the cheapest tier with the best score', () => {
    expect(oracle([row(1, 1, 1), row(0, 1, 1), row(0, 0, 1), row(0, 0, 0)])).toEqual({ quality: 0.75, cost: (1 + 3 + 10 + 1) / 4 });
  });

  it('keeps only undominated points on the frontier', () => {
    const f = paretoFrontier([{ quality: 0.5, cost: 1 }, { quality: 0.4, cost: 2 }, { quality: 0.9, cost: 5 }, { quality: 0.9, cost: 6 }, { quality: 0.6, cost: 1 }]);
    expect(f).toEqual([{ quality: 0.6, cost: 1 }, { quality: 0.9, cost: 5 }]);
  });

  it('builds the upper hull and interpolates along it', () => {
    const s = { quality: 0.5, cost: 1 };
    const m = { quality: 0.6, cost: 5 }; // below the line small -> large: random mixing skips it
    const l = { quality: 1, cost: 10 };
    expect(upperHull([s, m, l])).toEqual([s, l]);
    expect(costToReach([s, m, l], 0.95, true)).toBeCloseTo(1 + 0.9 * 9, 9);
    expect(costToReach([s, m, l], 0.55, false)).toBe(5);
    expect(costToReach([s, m, l], 1.1, true)).toBeNull();
    expect(costAt95([s, m, l], l, false)).toBe(1);
    expect(costAt95([s, m], l, false)).toBeNull();
  });

  it('APGR: 0 for a router that only ever matches small until full cost, 1 for a perfect one, null without a gap', () => {
    const s = { quality: 0.5, cost: 1 };
    const l = { quality: 1, cost: 10 };
    expect(apgr([s, l], s, l, 100)).toBeCloseTo(1 / 101, 9);
    expect(apgr([s, { quality: 1, cost: 1 }, l], s, l, 100)).toBe(1);
    expect(apgr([{ quality: 0.75, cost: 5.5 }, s, l], s, l, 100)).toBeCloseTo((50 * 0.5 + 1) / 101, 9);
    expect(apgr([s], s, { quality: 0.5, cost: 10 })).toBeNull();
  });

  it('threshold candidates span below and above every score', () => {
    const c = thresholdCandidates([0.2, 0.4, 0.4, 0.9], 5);
    expect(c[0]).toBe(0);
    expect(c[c.length - 1]).toBeGreaterThan(0.9);
    expect(c).toEqual([...c].sort((a, b) => a - b));
    expect(thresholdCandidates([])).toEqual([0, 1.000001]);
  });
});
