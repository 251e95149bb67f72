// Automatic rollback: after a threshold change, compare the success of rated decisions under the new
// policy version with those under the version it replaced.
import { significantDrop, type DropTest, type Proportion } from '../feedback/stats';

export interface RollbackOptions {
  /** Ratings needed under the new version before judging it (default 100). */
  minSamples?: number;
  alpha?: number;
  /** Smallest absolute drop worth a rollback (default 0.02). */
  minDrop?: number;
}

export interface RollbackVerdict extends DropTest {
  rollback: boolean;
  reason: string;
}

export function checkRollback(before: Proportion, after: Proportion, opts: RollbackOptions = {}): RollbackVerdict {
  const minSamples = opts.minSamples ?? 100;
  const test = significantDrop(before, after, { alpha: opts.alpha ?? 0.05, minDrop: opts.minDrop ?? 0.02, minSamples });
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  if (after.n < minSamples || before.n < minSamples) {
    return { ...test, rollback: false, reason: `waiting for ratings (${after.n} after, ${before.n} before; need ${minSamples} each)` };
  }
  const reason = test.significant
    ? `success fell from ${pct(test.before.rate)} to ${pct(test.after.rate)} (p = ${test.pValue.toFixed(4)})`
    : `no significant drop: ${pct(test.before.rate)} before, ${pct(test.after.rate)} after (p = ${test.pValue.toFixed(4)})`;
  return { ...test, rollback: test.significant, reason };
}

/** Rated decisions under the version before and after a change, for one kind of traffic. */
export interface Stratum {
  before: Proportion;
  after: Proportion;
}

export interface StrataVerdict {
  rollback: boolean;
  reason: string;
  /** One verdict per stratum (cache misses, cache hits). */
  strata: { misses: RollbackVerdict; hits: RollbackVerdict };
}

/**
 * Rollback judged on answered traffic (cache misses: the routing thresholds) and on cache hits (their
 * ratings: the similarity threshold, and which cached tiers qualify) separately. They are not pooled:
 * a change of the similarity threshold changes the share of hits, so a pooled rate would move with the
 * mix even if neither kind got worse, and a drop on the (usually fewer) hits would drown in the misses.
 * Each stratum with enough ratings on both sides is tested; the significance level is split between
 * those (Bonferroni), so judging two strata does not double the false-rollback rate.
 */
export function checkRollbackStrata(misses: Stratum, hits: Stratum, opts: RollbackOptions = {}): StrataVerdict {
  const minSamples = opts.minSamples ?? 100;
  const ready = (s: Stratum) => s.before.n >= minSamples && s.after.n >= minSamples;
  const judged = [misses, hits].filter(ready).length;
  const alpha = (opts.alpha ?? 0.05) / Math.max(1, judged);
  const m = checkRollback(misses.before, misses.after, { ...opts, alpha });
  const h = checkRollback(hits.before, hits.after, { ...opts, alpha });
  const parts = [`cache misses: ${m.reason}`, `cache hits: ${h.reason}`];
  const bad = [m.rollback ? parts[0] : null, h.rollback ? parts[1] : null].filter((x): x is string => x !== null);
  return {
    rollback: bad.length > 0,
    reason: bad.length > 0 ? bad.join('; ') : parts.join('; '),
    strata: { misses: m, hits: h },
  };
}
