import { describe, expect, it } from 'vitest';
import { evaluate, optimizeThresholds, uniformGrid } from './optimize';
import { syntheticWorld } from '../../test/fixtures/tuning';

describe('optimizeThresholds', () => {
  const world = syntheticWorld(3000, 1);
  it('matches brute force over the same grid', () => {
    const grid = uniformGrid(0, 1, 0.02);
    const best = optimizeThresholds(world, { target: 0.8, grid, minGap: 0.02 });
    let brute = { cost: Infinity, t1: 0, t2: 0 };
    for (const a of grid)
      for (const b of grid) {
        if (b - a < 0.02 - 1e-12) continue;
        const r = evaluate(world, a, b);
        if (r.success >= 0.8 - 1e-12 && r.cost < brute.cost) brute = { cost: r.cost, t1: a, t2: b };
      }
    expect(best.feasible).toBe(true);
    expect(best.cost).toBeCloseTo(brute.cost, 10);
    expect(best.success).toBeGreaterThanOrEqual(0.8 - 1e-9);
    expect(best.t1).toBeLessThan(best.t2);
  });
  it('is cheaper for a lower target and more expensive for a higher one', () => {
    const lo = optimizeThresholds(world, { target: 0.7 });
    const mid = optimizeThresholds(world, { target: 0.8 });
    const hi = optimizeThresholds(world, { target: 0.88 });
    expect(lo.cost).toBeLessThanOrEqual(mid.cost);
    expect(mid.cost).toBeLessThanOrEqual(hi.cost);
  });
  it('returns the most successful routing, marked infeasible, for an unreachable target', () => {
    const r = optimizeThresholds(world, { target: 0.99 });
    expect(r.feasible).toBe(false);
    const allLarge = evaluate(world, 0, 0.01);
    expect(r.success).toBeGreaterThanOrEqual(allLarge.success - 1e-9);
  });
  it('respects the allowed ranges', () => {
    const r = optimizeThresholds(world, { target: 0.8, range1: [0.25, 0.35], range2: [0.5, 0.6] });
    expect(r.t1).toBeGreaterThanOrEqual(0.25);
    expect(r.t1).toBeLessThanOrEqual(0.35);
    expect(r.t2).toBeGreaterThanOrEqual(0.5);
    expect(r.t2).toBeLessThanOrEqual(0.6);
  });
  it('rejects a grid without room for two thresholds', () => {
    expect(() => optimizeThresholds(world, { target: 0.8, grid: [0.5] })).toThrow(/minGap/);
  });
});
