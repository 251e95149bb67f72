// Deterministic pseudo-random numbers. Exploration and the simulation must replay identically for a
// given seed (so a test or a simulated trajectory can be reproduced), which Math.random cannot do.

import { fnv1a, mulberry32 } from '../lib/random';

/** A seeded generator of floats in [0, 1) (mulberry32). */
export const createRng = mulberry32;

/** FNV-1a hash of a string to 32 bits: a stable per-request seed from a decision id. */
export function hashSeed(text: string, seed = 0): number {
  return fnv1a(text, (0x811c9dc5 ^ seed) >>> 0);
}

/** Fisher–Yates shuffle with the given generator (returns a new array). */
export function shuffled<T>(items: readonly T[], rng: () => number): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
