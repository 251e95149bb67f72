import { describe, expect, it } from 'vitest';
import { applyGuardrails } from './guardrails';
import { createRng } from './rng';

const cfg = { minSamples: 200, maxStep: 0.05, floor: 0.05, ceiling: 0.95 };

describe('applyGuardrails', () => {
  it('keeps the thresholds without enough samples', () => {
    const cur = { t1: 0.3, t2: 0.55, t3: 0.8 };
    const r = applyGuardrails(cur, { t1: 0.1, t2: 0.2 }, cfg, 199);
    expect(r.changed).toBe(false);
    expect(r.thresholds).toEqual(cur);
    expect(r.notes[0]).toMatch(/need 200/);
  });
  it('limits the step and notes it', () => {
    const r = applyGuardrails({ t1: 0.3, t2: 0.55, t3: 0.8 }, { t1: 0.1, t2: 0.7 }, cfg, 500);
    expect(r.thresholds.t1).toBeCloseTo(0.25, 9);
    expect(r.thresholds.t2).toBeCloseTo(0.6, 9);
    expect(r.notes.join(' ')).toMatch(/step limited/);
  });
  it('pushes t3 above t2', () => {
    const r = applyGuardrails({ t1: 0.5, t2: 0.78, t3: 0.8 }, { t1: 0.5, t2: 0.83 }, cfg, 500);
    expect(r.thresholds.t2).toBeCloseTo(0.83, 9);
    expect(r.thresholds.t3).toBeGreaterThan(0.83);
  });
  it('refuses a floor above the ceiling', () => {
    const r = applyGuardrails({ t1: 0.3, t2: 0.5, t3: 0.8 }, { t1: 0.2, t2: 0.4 }, { ...cfg, floor: 0.9, ceiling: 0.5 }, 500);
    expect(r.changed).toBe(false);
  });
  it('property: never violates a guardrail, for any proposal', () => {
    const rng = createRng(42);
    for (let i = 0; i < 5000; i++) {
      const floor = rng() * 0.3;
      const ceiling = 0.6 + rng() * 0.4;
      const maxStep = rng() * 0.2;
      const c = { minSamples: 10, maxStep, floor, ceiling };
      const t1 = floor + rng() * (ceiling - floor - 0.02);
      const t2 = t1 + 0.01 + rng() * (ceiling - t1 - 0.01);
      const t3 = Math.min(1, t2 + 0.01 + rng() * 0.3);
      const cur = { t1, t2, t3 };
      const proposal = { t1: rng() * 1.4 - 0.2, t2: rng() * 1.4 - 0.2 };
      const { thresholds: r } = applyGuardrails(cur, proposal, c, 100);
      expect(r.t1).toBeGreaterThanOrEqual(floor - 1e-6);
      expect(r.t2).toBeLessThanOrEqual(ceiling + 1e-6);
      expect(Math.abs(r.t1 - t1)).toBeLessThanOrEqual(maxStep + 1e-6);
      expect(Math.abs(r.t2 - t2)).toBeLessThanOrEqual(maxStep + 1e-6);
      expect(r.t2 - r.t1).toBeGreaterThanOrEqual(0.01 - 1e-6);
      expect(r.t3).toBeGreaterThan(r.t2);
      expect(r.t3).toBeLessThanOrEqual(1);
    }
  });
});
