import { describe, expect, it } from 'vitest';
import { explore } from './explore';
import { evaluate, optimizeThresholds } from './optimize';
import { createRng } from './rng';
import { syntheticSuccess, syntheticWorld } from '../../test/fixtures/tuning';
import { tuneThresholds } from './tuner';
import { tierForScore, type RatedObservation, type Thresholds, type TierIndex } from './types';

const config = { target: 0.8, exploration: 0.2, minSamples: 200, maxStep: 0.05, floor: 0.05, ceiling: 0.95 };

/** Closed loop on the synthetic world: route, explore, rate, tune every `every` ratings. */
function runLoop(method: 'binned' | 'isotonic' | 'logistic', ratings: number, seed: number) {
  const world = syntheticWorld(4000, seed);
  const rng = createRng(seed + 1);
  let t: Thresholds = { t1: 0.3, t2: 0.55, t3: 0.8 };
  const obs: RatedObservation[] = [];
  const history: Thresholds[] = [t];
  while (obs.length < ratings) {
    const item = world[Math.floor(rng() * world.length)];
    const tier = explore(tierForScore(item.score, t), config.exploration, rng(), rng()).tier as TierIndex;
    obs.push({ score: item.score, tier, success: rng() < syntheticSuccess(tier, item.score) ? 1 : 0 });
    if (obs.length % 200 === 0) {
      const r = tuneThresholds({ current: t, config, ratings: obs, population: world, estimator: { method } });
      t = r.thresholds;
      history.push(t);
    }
  }
  return { world, t, history };
}

describe('tuneThresholds', () => {
  it('does nothing below minSamples', () => {
    const world = syntheticWorld(500, 1);
    const r = tuneThresholds({ current: { t1: 0.3, t2: 0.55, t3: 0.8 }, config, ratings: [], population: world });
    expect(r.changed).toBe(false);
    expect(r.reason).toMatch(/need 200/);
  });

  for (const method of ['binned', 'isotonic', 'logistic'] as const) {
    it(`converges near the known optimum (${method})`, () => {
      const { world, t, history } = runLoop(method, 6000, 5);
      const optimum = optimizeThresholds(world, { target: config.target });
      const final = evaluate(world, t.t1, t.t2);
      expect(final.success).toBeGreaterThan(config.target - 0.015);
      expect(final.cost).toBeLessThan(optimum.cost * 1.1);
      // Every step obeyed the guardrails and kept the order.
      for (let i = 1; i < history.length; i++) {
        const [a, b] = [history[i - 1], history[i]];
        expect(Math.abs(b.t1 - a.t1)).toBeLessThanOrEqual(config.maxStep + 1e-9);
        expect(Math.abs(b.t2 - a.t2)).toBeLessThanOrEqual(config.maxStep + 1e-9);
        expect(b.t1).toBeLessThan(b.t2);
        expect(b.t2).toBeLessThan(b.t3);
        expect(b.t1).toBeGreaterThanOrEqual(config.floor);
        expect(b.t2).toBeLessThanOrEqual(config.ceiling);
      }
    });
  }

  it('explains the change with evidence', () => {
    const { world } = runLoop('isotonic', 0, 9);
    const rng = createRng(3);
    const obs: RatedObservation[] = world.slice(0, 1000).map((w) => {
      const tier = Math.floor(rng() * 3) as TierIndex;
      return { score: w.score, tier, success: rng() < syntheticSuccess(tier, w.score) ? 1 : 0 };
    });
    const r = tuneThresholds({ current: { t1: 0.3, t2: 0.55, t3: 0.8 }, config, ratings: obs, population: world });
    expect(r.evidence.samples).toBe(1000);
    expect(r.evidence.perTier.map((s) => s.n).reduce((a, b) => a + b)).toBe(1000);
    expect(r.reason).toMatch(/target 80.0 %/);
  });
});
