import { describe, expect, it } from 'vitest';
import { decide, type TierState } from '../routing/decide';
import { assessmentFromScore } from './simulation';
import { explorePlan } from './explore-plan';
import { defaultPolicy, type Policy } from '../routing/policy';

const ok: TierState = { enabled: true, breaker: 'closed', queued: 0 };
const states = { small: ok, medium: ok, large: ok };

function withTuner(p: Partial<Policy['tuner']>, extra: Partial<Policy> = {}): Policy {
  const base = defaultPolicy();
  return { ...base, ...extra, tuner: { ...base.tuner, ...p } };
}

describe('explorePlan', () => {
  const policy = withTuner({ exploration: 0.2 });
  const plan = decide(assessmentFromScore(0.4), policy, states, { prompt: 'x' });

  it('explores about the configured share, one tier away, deterministically', () => {
    let explored = 0;
    for (let i = 0; i < 5000; i++) {
      const p = explorePlan(plan, policy, `d-${i}`);
      expect(p).toEqual(explorePlan(plan, policy, `d-${i}`));
      if (p === plan) continue;
      explored++;
      expect(p.kind).toBe('cascade');
      expect(['small', 'large']).toContain(p.target);
      // The explored tier answers first; the original chain stays as the fallback.
      expect(p.chain[0]).toBe(p.target);
      expect(p.chain).toEqual(expect.arrayContaining(plan.chain));
      expect(p.reasons.at(-1)).toMatch(/exploration/);
    }
    expect(explored / 5000).toBeGreaterThan(0.18);
    expect(explored / 5000).toBeLessThan(0.22);
  });
  it('never explores with the tuner off, on research, or toward a forbidden target', () => {
    const off = withTuner({ mode: 'off', exploration: 0.2 });
    for (let i = 0; i < 200; i++) expect(explorePlan(plan, off, `d-${i}`)).toBe(plan);
    const research = decide(assessmentFromScore(0.95), policy, states, { prompt: 'x' });
    for (let i = 0; i < 200; i++) expect(explorePlan(research, policy, `d-${i}`)).toBe(research);
    const forbid = withTuner({ exploration: 0.2 }, { rules: [{ id: 'r', description: '', match: { keyword: 'zzz' }, action: { type: 'forbid', target: 'small' } }] });
    const p2 = decide(assessmentFromScore(0.4), forbid, states, { prompt: 'x' });
    for (let i = 0; i < 500; i++) expect(explorePlan(p2, forbid, `d-${i}`).target).not.toBe('small');
  });
  it('leaves answer-side cascades alone (they try the cheap tier every time)', () => {
    const judged = { ...policy, answerJudging: { ...policy.answerJudging, medium: { ...policy.answerJudging.medium, mode: 'cascade' as const } } };
    const p3 = decide(assessmentFromScore(0.4), judged, states, { prompt: 'x' });
    expect(p3.kind === 'cascade' && p3.judging).toBeTruthy();
    for (let i = 0; i < 500; i++) expect(explorePlan(p3, judged, `d-${i}`)).toBe(p3);
  });
});
