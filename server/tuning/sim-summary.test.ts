import { describe, expect, it } from 'vitest';
import { parseSeeds, summarizeRuns } from './sim-summary';

describe('simulation summary', () => {
  it('gives mean, median and range, and counts the goal under both readings', () => {
    const runs = [
      { seed: 1, final_cost: 1, final_success: 0.6, cost_ratio: 1.02 },
      { seed: 2, final_cost: 1, final_success: 0.597, cost_ratio: 0.97 },
      { seed: 3, final_cost: 1, final_success: 0.59, cost_ratio: 0.7 },
      { seed: 4, final_cost: 1, final_success: 0.61, cost_ratio: 1.5 },
    ];
    const s = summarizeRuns(runs, 0.6);
    expect(s.cost_ratio).toEqual({ mean: 1.0475, median: 0.995, min: 0.7, max: 1.5 });
    expect(s.final_success.median).toBeCloseTo(0.5985, 6);
    expect(s).toMatchObject({ runs: 4, cost_within_5pct: 2, success_at_or_above_target: 2, goal_met_strict: 1, goal_met_within_0_005: 2 });
  });
  it('parses seed lists and ranges', () => {
    expect(parseSeeds('3')).toEqual([3]);
    expect(parseSeeds('1-4,9')).toEqual([1, 2, 3, 4, 9]);
    expect(() => parseSeeds('4-1')).toThrow(/empty/);
    expect(() => parseSeeds('a')).toThrow(/--seeds/);
  });
});
