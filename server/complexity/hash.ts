// Feature hashing and a seeded PRNG. Both must be bit-for-bit stable across runs and machines:
// the trained weights are only meaningful for the exact hash function they were trained with.

export { fnv1a, mulberry32 } from '../lib/random';

/** In-place Fisher–Yates shuffle driven by the given PRNG. */
export function shuffle<T>(items: T[], rand: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
