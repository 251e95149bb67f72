// decide() with the answer-side cascade: which bands cascade, where the chain starts, and that
// policies written before answerJudging existed still parse and route as they did.
import { describe, expect, it } from 'vitest';
import type { Assessment } from '../complexity/types';
import { decide, type TierState } from './decide';
import { defaultPolicy, policySchema, type PolicyInput } from './policy';
import { validatePolicy } from './policy-validate';

const assessment = (score: number): Assessment => ({
  band: 'complex', score, probs: { simple: 0, moderate: 0, complex: 1, research: 0 }, modelVersion: 'test',
  signals: { keywords: [], lengthBucket: 'short', tokens: 10, sentences: 1, questions: 1, numberedParts: 0, hasCode: false, hasMath: false, multiPart: false, language: 'en', contextShare: 0, topFeatures: [], truncated: false },
});
const ok: TierState = { enabled: true, breaker: 'closed', queued: 0 };
const states = new Map<string, TierState>([['small', ok], ['medium', ok], ['large', ok]]);
const ctx = { prompt: 'Plan a product launch' };
const withJudging = (answerJudging: Record<string, unknown>, extra: Partial<PolicyInput> = {}) => policySchema.parse({ ...defaultPolicy(), ...extra, answerJudging });

describe('answer-side cascade in decide()', () => {
  it('a policy without answerJudging parses with every band in route mode and routes unchanged', () => {
    const { answerJudging: _dropped, ...old } = defaultPolicy();
    const p = policySchema.parse(old);
    expect(p.answerJudging.large).toMatchObject({ mode: 'route', judges: ['validators', 'verifiers', 'model'], stream: 'hold' });
    const plan = decide(assessment(0.6), p, states, ctx);
    expect(plan).toMatchObject({ kind: 'cascade', target: 'large', chain: ['large'] });
    expect(plan.kind === 'cascade' && plan.judging).toBeUndefined();
  });

  it('cascade mode starts on the cheapest tier and carries the band settings in the plan', () => {
    const plan = decide(assessment(0.6), withJudging({ large: { mode: 'cascade', acceptThreshold: 0.8 } }), states, ctx);
    expect(plan).toMatchObject({ kind: 'cascade', target: 'large', chain: ['small', 'medium', 'large'] });
    if (plan.kind !== 'cascade') throw new Error('expected a cascade plan');
    expect(plan.judging).toMatchObject({ mode: 'cascade', band: 'large', acceptThreshold: 0.8, judgeTier: null });
    expect(plan.reasons.join('\n')).toMatch(/answer-side cascade \(cascade\) for band large: answer on small first/);
  });

  it('hybrid mode tries the cheap tier only below its score limit', () => {
    const p = withJudging({ large: { mode: 'hybrid', hybridMaxScore: 0.7 } });
    expect(decide(assessment(0.6), p, states, ctx)).toMatchObject({ chain: ['small', 'medium', 'large'] });
    const high = decide(assessment(0.75), p, states, ctx);
    expect(high).toMatchObject({ chain: ['large'] });
    expect(high.reasons.join('\n')).toMatch(/hybrid band large: score 0\.750 >= 0\.7, routed without a cheap try/);
  });

  it('starts above a target the rules forbid', () => {
    const p = withJudging({ large: { mode: 'cascade' } }, { rules: [{ id: 'no-small', match: { keyword: 'launch' }, action: { type: 'forbid', target: 'small' } }] });
    expect(decide(assessment(0.6), p, states, ctx)).toMatchObject({ chain: ['medium', 'large'] });
  });

  it('rejects a judge tier that is missing, unknown or inconsistent thresholds, with the field path', () => {
    expect(validatePolicy({ ...defaultPolicy(), answerJudging: { large: { mode: 'cascade', judges: ['judge_tier'] } } }, [])).toMatchObject({
      ok: false, issues: [{ path: 'answerJudging.large.judges', message: 'the judge_tier judge needs answerJudging.judgeTier (a tier with role "judge")' }],
    });
    const tiers = ['small', 'medium', 'large'].map((name) => ({ name, enabled: true }));
    const v = validatePolicy({ ...defaultPolicy(), answerJudging: { judgeTier: 'grader' } }, tiers);
    expect(v).toMatchObject({ ok: false, issues: [{ path: 'answerJudging.judgeTier', message: 'unknown tier "grader"' }] });
    expect(validatePolicy({ ...defaultPolicy(), answerJudging: { small: { acceptThreshold: 0.4, uncertainBelow: 0.6 } } }, tiers)).toMatchObject({
      ok: false, issues: [{ path: 'answerJudging.small.uncertainBelow', message: 'uncertainBelow must not exceed acceptThreshold' }],
    });
  });
});
