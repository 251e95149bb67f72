import { describe, expect, it } from 'vitest';
import { evalStep, fitMonotone, pava } from './isotonic';
import { evalLogistic, fitLogistic } from './logistic';
import { createRng } from './rng';

describe('pava', () => {
  it('pools violators into their mean', () => {
    const fit = pava([{ x: 1, y: 1 }, { x: 2, y: 3 }, { x: 3, y: 2 }, { x: 4, y: 4 }], 'increasing');
    expect(fit.ys).toEqual([1, 2.5, 4]);
    expect(fit.xs).toEqual([1, 2, 4]);
  });
  it('is monotone in the requested direction for random data', () => {
    const rng = createRng(7);
    const pts = Array.from({ length: 300 }, () => ({ x: rng(), y: rng() < 0.5 ? 1 : 0 }));
    for (const dir of ['increasing', 'decreasing'] as const) {
      const fit = pava(pts, dir);
      for (let i = 1; i < fit.ys.length; i++) {
        if (dir === 'increasing') expect(fit.ys[i]).toBeGreaterThanOrEqual(fit.ys[i - 1]);
        else expect(fit.ys[i]).toBeLessThanOrEqual(fit.ys[i - 1]);
      }
    }
  });
  it('preserves the weighted mean', () => {
    const pts = [{ x: 0, y: 1, w: 3 }, { x: 1, y: 0, w: 1 }, { x: 2, y: 1, w: 2 }];
    const fit = pava(pts, 'decreasing');
    let total = 0;
    for (const p of pts) total += p.w * evalStep(fit, p.x, 0);
    expect(total / 6).toBeCloseTo(5 / 6, 10);
  });
  it('lets the data choose the direction', () => {
    const rng = createRng(3);
    const rising = Array.from({ length: 400 }, () => {
      const x = rng();
      return { x, y: rng() < 0.2 + 0.6 * x ? 1 : 0 };
    });
    expect(fitMonotone(rising).direction).toBe('increasing');
    expect(fitMonotone(rising.map((p) => ({ x: 1 - p.x, y: p.y }))).direction).toBe('decreasing');
  });
  it('evaluates outside the data range at the nearest block', () => {
    const fit = pava([{ x: 0.2, y: 1 }, { x: 0.8, y: 0 }], 'decreasing');
    expect(evalStep(fit, 0, 0.5)).toBe(1);
    expect(evalStep(fit, 1, 0.5)).toBe(0);
    expect(evalStep(pava([], 'decreasing'), 0.3, 0.42)).toBe(0.42);
  });
});

describe('fitLogistic', () => {
  it('recovers a known slope on synthetic data', () => {
    const rng = createRng(11);
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const x = rng();
      xs.push(x);
      ys.push(rng() < 1 / (1 + Math.exp(-(2 - 4 * x))) ? 1 : 0);
    }
    const fit = fitLogistic(xs, ys, undefined, 0.01);
    expect(fit.a).toBeCloseTo(2, 0);
    expect(fit.b).toBeCloseTo(-4, 0);
    expect(evalLogistic(fit, 0.5)).toBeCloseTo(0.5, 1);
  });
  it('stays finite on separable data', () => {
    const fit = fitLogistic([0, 0.1, 0.9, 1], [1, 1, 0, 0]);
    expect(Number.isFinite(fit.a) && Number.isFinite(fit.b)).toBe(true);
    expect(evalLogistic(fit, 0)).toBeGreaterThan(0.5);
  });
});
