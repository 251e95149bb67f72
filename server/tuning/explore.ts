// Exploration: a small share of traffic goes one tier lower or higher than the policy says, so the
// tuner keeps seeing how the neighbouring tier does on prompts it would otherwise never get (without
// it, a tier's estimate starves outside its own band and the thresholds can only ever drift one way).
import { createRng, hashSeed } from './rng';

export interface ExplorationChoice {
  tier: number;
  /** -1 one tier cheaper, +1 one tier stronger, 0 not explored. */
  shift: -1 | 0 | 1;
}

/**
 * `u` and `v` are uniform draws in [0, 1): `u` decides whether to explore, `v` the direction. At the
 * ends of the ladder the only neighbour is used.
 */
export function explore(tier: number, share: number, u: number, v: number, maxTier = 2): ExplorationChoice {
  if (!(share > 0) || !(u < share) || maxTier < 1) return { tier, shift: 0 };
  let shift: -1 | 1 = v < 0.5 ? -1 : 1;
  if (tier + shift < 0) shift = 1;
  if (tier + shift > maxTier) shift = -1;
  return { tier: tier + shift, shift };
}

/** Deterministic exploration for one request: same decision id and seed, same choice. */
export function exploreForRequest(requestId: string, tier: number, share: number, seed = 0, maxTier = 2): ExplorationChoice {
  const rng = createRng(hashSeed(requestId, seed));
  return explore(tier, share, rng(), rng(), maxTier);
}
