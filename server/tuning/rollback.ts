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
