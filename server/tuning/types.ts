// Shared shapes of the auto-tuner. Tiers are indexed 0 = small, 1 = medium, 2 = large in routing
// order; the research band (score >= t3) is served by the large tier's pipeline, so for cost and
// success estimation it counts as the large tier.

export const TUNED_TIERS = ['small', 'medium', 'large'] as const;
export type TunedTier = (typeof TUNED_TIERS)[number];
export type TierIndex = 0 | 1 | 2;

export interface Thresholds {
  t1: number;
  t2: number;
  t3: number;
}

/** One rated decision: which tier answered a prompt of this score, and was the answer good (0..1). */
export interface RatedObservation {
  score: number;
  tier: TierIndex;
  success: number;
}

/**
 * One prompt of recent traffic (rated or not): its score and what each tier would cost for it.
 * Unrated decisions still tell the tuner how scores are distributed and what tokens cost.
 */
export interface PopulationItem {
  score: number;
  cost: readonly [number, number, number];
}

/** Guardrails and target, as in the policy document's `tuner` section. */
export interface TunerConfig {
  target: number;
  exploration: number;
  minSamples: number;
  maxStep: number;
  floor: number;
  ceiling: number;
}

/** Tier for a score under thresholds: the same banding as the router (research counts as large). */
export function tierForScore(score: number, t: Pick<Thresholds, 't1' | 't2'>): TierIndex {
  if (score < t.t1) return 0;
  if (score < t.t2) return 1;
  return 2;
}
