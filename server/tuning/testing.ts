// A synthetic world with a known optimum, shared by the tuner's tests: three tiers whose success
// falls with the score at different rates, with fixed costs 1 / 3 / 10.
import { createRng } from './rng';
import type { OptimizeItem } from './optimize';

export const syntheticSuccess = (tier: number, s: number): number =>
  tier === 0 ? 0.95 - 0.7 * s : tier === 1 ? 0.97 - 0.45 * s : 0.97 - 0.1 * s;

export function syntheticWorld(n: number, seed: number): OptimizeItem[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const s = rng();
    return { score: s, cost: [1, 3, 10] as const, success: [syntheticSuccess(0, s), syntheticSuccess(1, s), syntheticSuccess(2, s)] as const };
  });
}
