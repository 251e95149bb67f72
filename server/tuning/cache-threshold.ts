// Tuning the semantic-cache similarity threshold from ratings on cache hits: the lowest similarity
// at which a cached answer is still rated good at the target rate, moved within guardrails.
import { tuneLowerBound, type LowerBoundResult } from './lower-bound';

export interface CacheHitRating {
  similarity: number;
  success: number;
}

export interface CacheTuneOptions {
  target: number;
  minSamples: number;
  maxStep: number;
  /** Bounds of the similarity threshold (the policy schema allows 0.5..1). */
  floor?: number;
  ceiling?: number;
  /** Ratings pooled per bin before the monotone fit. */
  minBin?: number;
  /** Rater flip rate (server/tuning/noise.ts): observed rates are pulled toward 0.5 by it. */
  noise?: number;
}

export type CacheTuneResult = LowerBoundResult;

export function tuneCacheThreshold(current: number, ratings: readonly CacheHitRating[], opts: CacheTuneOptions): CacheTuneResult {
  return tuneLowerBound(
    current,
    ratings.map((r) => ({ x: r.similarity, success: r.success })),
    { ...opts, floor: opts.floor ?? 0.5, ceiling: opts.ceiling ?? 0.99 },
    { items: 'hits', measure: 'similarity', rated: 'rated cache hits' },
  );
}
