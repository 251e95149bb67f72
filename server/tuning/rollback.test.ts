import { describe, expect, it } from 'vitest';
import { checkRollbackStrata } from './rollback';

const p = (successes: number, n: number) => ({ successes, n });

describe('checkRollbackStrata', () => {
  it('rolls back on a drop among cache hits even when the misses are unchanged', () => {
    const v = checkRollbackStrata({ before: p(900, 1000), after: p(900, 1000) }, { before: p(180, 200), after: p(120, 200) });
    expect(v.rollback).toBe(true);
    expect(v.reason).toMatch(/^cache hits: success fell from 90.0 % to 60.0 %/);
    expect(v.strata.misses.rollback).toBe(false);
  });
  it('does not pool: a shift toward more (slightly worse) hits is not a drop when neither kind got worse', () => {
    // Pooled: 0.9·1000 + 0.7·100 = 970/1100 = 88 % before, 0.9·500 + 0.7·600 = 870/1100 = 79 % after.
    const v = checkRollbackStrata({ before: p(900, 1000), after: p(450, 500) }, { before: p(70, 100), after: p(420, 600) });
    expect(v.rollback).toBe(false);
  });
  it('waits for enough hits, and splits alpha between the strata it judges', () => {
    const few = checkRollbackStrata({ before: p(900, 1000), after: p(900, 1000) }, { before: p(9, 10), after: p(2, 10) });
    expect(few.rollback).toBe(false);
    expect(few.reason).toMatch(/cache hits: waiting for ratings/);
    // One-sided p ≈ 0.04: significant alone (α = 0.05), not at α/2 with both strata judged.
    const misses = { before: p(700, 1000), after: p(663, 1000) };
    expect(checkRollbackStrata(misses, { before: p(0, 0), after: p(0, 0) }).rollback).toBe(true);
    expect(checkRollbackStrata(misses, { before: p(700, 1000), after: p(700, 1000) }).rollback).toBe(false);
  });
});
