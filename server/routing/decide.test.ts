import { describe, expect, it } from 'vitest';
import type { Assessment, Band } from '../complexity/types';
import { decide, targetForScore, type TierState } from './decide';
import { defaultPolicy, policySchema, type PolicyInput } from './policy';
import { DEFAULT_CAPABILITIES, needsOf, type NeedsInput, type TierCapabilities } from '../tiers/capabilities';

function assessment(score: number, band: Band = 'simple'): Assessment {
  return {
    band,
    score,
    probs: { simple: 1, moderate: 0, complex: 0, research: 0 },
    signals: {
      keywords: [], lengthBucket: 'short', tokens: 10, sentences: 1, questions: 1, numberedParts: 0, hasCode: false,
      hasMath: false, multiPart: false, language: 'en', contextShare: 0, topFeatures: [], truncated: false,
    },
    modelVersion: 'test',
  };
}
const ok: TierState = { enabled: true, breaker: 'closed', queued: 0 };
const healthy = () => new Map<string, TierState>([['small', ok], ['medium', ok], ['large', ok]]);
const policy = (extra: Partial<PolicyInput> = {}) => policySchema.parse({ ...defaultPolicy(), ...extra });
const ctx = { prompt: 'What is the capital of France?' };

describe('score to target', () => {
  it('maps each threshold band, boundaries going up', () => {
    const t = { t1: 0.3, t2: 0.55, t3: 0.8 };
    expect(targetForScore(0, t)).toBe('small');
    expect(targetForScore(0.3, t)).toBe('medium');
    expect(targetForScore(0.549, t)).toBe('medium');
    expect(targetForScore(0.55, t)).toBe('large');
    expect(targetForScore(0.8, t)).toBe('research');
  });

  it('builds the target chain with its escalation', () => {
    const p = decide(assessment(0.1), defaultPolicy(), healthy(), ctx);
    expect(p).toMatchObject({ kind: 'cascade', target: 'small', chain: ['small', 'medium', 'large'], scoredTarget: 'small' });
    expect(p.reasons[0]).toMatch(/score 0\.100 .* maps to small/);
    expect(decide(assessment(0.6), defaultPolicy(), healthy(), ctx)).toMatchObject({ target: 'large', chain: ['large'] });
  });

  it('plans the research pipeline above t3, and falls back to large when disabled', () => {
    const p = decide(assessment(0.9, 'research'), defaultPolicy(), healthy(), ctx);
    expect(p.kind).toBe('research');
    if (p.kind === 'research') expect(p.steps).toMatchObject({ planner: 'large', worker: 'medium', synthesizer: 'large' });
    const off = policy({ research: { enabled: false } });
    expect(decide(assessment(0.9), off, healthy(), ctx)).toMatchObject({ kind: 'cascade', target: 'large' });
  });

  it('falls back from research to large when a pipeline tier is down', () => {
    const s = healthy();
    s.set('medium', { ...ok, enabled: false });
    const p = decide(assessment(0.95), defaultPolicy(), s, ctx);
    expect(p).toMatchObject({ kind: 'cascade', target: 'large', chain: ['large'] });
    expect(p.reasons.join(' ')).toMatch(/research pipeline unavailable \(medium/);
  });

  it('uses per-key threshold overrides, ignoring out-of-order ones', () => {
    const p = policy({ apiKeyOverrides: [{ apiKeyId: 'k1', thresholds: { t1: 0.5 } }, { apiKeyId: 'bad', thresholds: { t1: 0.7 } }] });
    expect(decide(assessment(0.4), p, healthy(), { ...ctx, apiKeyId: 'k1' }).target).toBe('small');
    expect(decide(assessment(0.4), p, healthy(), { ...ctx, apiKeyId: 'k2' }).target).toBe('medium');
    const bad = decide(assessment(0.4), p, healthy(), { ...ctx, apiKeyId: 'bad' });
    expect(bad.target).toBe('medium');
    expect(bad.reasons[0]).toMatch(/out of order/);
  });
});

describe('rules', () => {
  const rule = (id: string, match: object, type: 'force' | 'forbid', target: string) => ({ id, match, action: { type, target } });

  it('forces by keyword (case-insensitive), regex, api key, max cost and response format', () => {
    const p = policy({
      rules: [
        rule('kw', { keyword: 'CONTRACT' }, 'force', 'large'),
        rule('re', { regex: '^translate\\b' }, 'force', 'medium'),
        rule('key', { apiKeyId: 'cheap' }, 'force', 'small'),
        rule('cost', { maxCostBelowUsd: 0.001 }, 'force', 'small'),
        rule('json', { responseFormat: 'json_object' }, 'force', 'medium'),
      ] as PolicyInput['rules'],
    });
    expect(decide(assessment(0.1), p, healthy(), { prompt: 'review this contract' }).target).toBe('large');
    expect(decide(assessment(0.1), p, healthy(), { prompt: 'Translate hello' }).target).toBe('medium');
    expect(decide(assessment(0.7), p, healthy(), { prompt: 'x', apiKeyId: 'cheap' }).target).toBe('small');
    expect(decide(assessment(0.7), p, healthy(), { prompt: 'x', maxCostUsd: 0.0005 }).target).toBe('small');
    expect(decide(assessment(0.7), p, healthy(), { prompt: 'x', maxCostUsd: 0.01 }).target).toBe('large');
    expect(decide(assessment(0.1), p, healthy(), { prompt: 'x', responseFormat: 'json_object' }).target).toBe('medium');
    const r = decide(assessment(0.1), p, healthy(), { prompt: 'review this contract' });
    expect(r.reasons.join('\n')).toMatch(/rule kw forces large/);
  });

  it('requires every condition of a rule to hold', () => {
    const p = policy({ rules: [rule('both', { keyword: 'code', apiKeyId: 'dev' }, 'force', 'large')] as PolicyInput['rules'] });
    expect(decide(assessment(0.1), p, healthy(), { prompt: 'code', apiKeyId: 'other' }).target).toBe('small');
    expect(decide(assessment(0.1), p, healthy(), { prompt: 'code', apiKeyId: 'dev' }).target).toBe('large');
  });

  it('moves a forbidden target to the nearest cheaper one and keeps its tier out of chains', () => {
    const p = policy({ rules: [rule('nolarge', { apiKeyId: 'k' }, 'forbid', 'large')] as PolicyInput['rules'] });
    const r = decide(assessment(0.7), p, healthy(), { prompt: 'x', apiKeyId: 'k' });
    expect(r).toMatchObject({ target: 'medium', chain: ['medium'] });
    expect(decide(assessment(0.1), p, healthy(), { prompt: 'x', apiKeyId: 'k' }).chain).toEqual(['small', 'medium']);
    // research is not reachable through a forbidden large tier either: its steps use large
    expect(decide(assessment(0.9), p, healthy(), { prompt: 'x', apiKeyId: 'k' })).toMatchObject({ kind: 'cascade', target: 'medium' });
  });

  it('moves a forbidden cheapest target up, lets forbid beat force, rejects when all are forbidden', () => {
    const p = policy({
      rules: [
        rule('legal', { keyword: 'legal' }, 'forbid', 'small'),
        rule('f', { keyword: 'force-small' }, 'force', 'small'),
        rule('a', { keyword: 'none' }, 'forbid', 'small'),
        rule('b', { keyword: 'none' }, 'forbid', 'medium'),
        rule('c', { keyword: 'none' }, 'forbid', 'large'),
        rule('d', { keyword: 'none' }, 'forbid', 'research'),
      ] as PolicyInput['rules'],
    });
    expect(decide(assessment(0.1), p, healthy(), { prompt: 'legal question' }).target).toBe('medium');
    const both = decide(assessment(0.7), p, healthy(), { prompt: 'legal force-small' });
    expect(both.target).toBe('large');
    expect(both.reasons.join('\n')).toMatch(/would force small, but it is forbidden/);
    expect(decide(assessment(0.1), p, healthy(), { prompt: 'none' })).toMatchObject({ kind: 'reject', errorCode: 'forbidden' });
  });
});

describe('budgets', () => {
  const p = policy({ budgets: [{ apiKeyId: 'k', monthlyUsd: 100, downgradeAt: 0.8 }] });
  it('routes one tier cheaper near the budget', () => {
    const r = decide(assessment(0.7), p, healthy(), { prompt: 'x', apiKeyId: 'k', budgetSpentUsd: 85 });
    expect(r).toMatchObject({ target: 'medium', scoredTarget: 'large' });
    expect(r.reasons.join('\n')).toMatch(/near the monthly budget \(\$85\.00 of \$100\.00\).*large -> medium/);
    expect(decide(assessment(0.9), p, healthy(), { prompt: 'x', apiKeyId: 'k', budgetSpentUsd: 85 }).target).toBe('large');
    expect(decide(assessment(0.1), p, healthy(), { prompt: 'x', apiKeyId: 'k', budgetSpentUsd: 85 }).target).toBe('small');
    expect(decide(assessment(0.7), p, healthy(), { prompt: 'x', apiKeyId: 'k', budgetSpentUsd: 79 }).target).toBe('large');
  });
  it('refuses at the budget with a clear message, even a forced tier', () => {
    const r = decide(assessment(0.1), p, healthy(), { prompt: 'x', apiKeyId: 'k', budgetSpentUsd: 100 });
    expect(r).toMatchObject({ kind: 'reject', errorCode: 'budget_exceeded', chain: [] });
    if (r.kind === 'reject') expect(r.message).toBe('monthly budget of $100.00 for this API key is used up ($100.00 spent)');
    expect(decide(null, p, healthy(), { prompt: 'x', apiKeyId: 'k', budgetSpentUsd: 120, forcedTier: 'small' }).kind).toBe('reject');
  });
});

describe('load and tier state', () => {
  it('spills past an open breaker or a deep queue, keeping them last', () => {
    const s = healthy();
    s.set('small', { ...ok, breaker: 'open' });
    const r = decide(assessment(0.1), defaultPolicy(), s, ctx);
    expect(r.chain).toEqual(['medium', 'large', 'small']);
    expect(r.reasons.join('\n')).toMatch(/small circuit breaker is open/);
    s.set('small', { ...ok, queued: 33 });
    expect(decide(assessment(0.1), defaultPolicy(), s, ctx).chain).toEqual(['medium', 'large', 'small']);
    s.set('small', { ...ok, queued: 32 });
    expect(decide(assessment(0.1), defaultPolicy(), s, ctx).chain).toEqual(['small', 'medium', 'large']);
  });

  it('drops disabled and unknown tiers, rejecting when none is left', () => {
    const s = healthy();
    s.set('medium', { ...ok, enabled: false });
    expect(decide(assessment(0.1), defaultPolicy(), s, ctx).chain).toEqual(['small', 'large']);
    s.set('large', { ...ok, enabled: false });
    const r = decide(assessment(0.6), defaultPolicy(), s, ctx);
    expect(r).toMatchObject({ kind: 'reject', errorCode: 'no_tier_available' });
    expect(decide(assessment(0.6), defaultPolicy(), {}, ctx).kind).toBe('reject');
  });

  it('accepts tier states as a plain object', () => {
    expect(decide(assessment(0.4), defaultPolicy(), { medium: ok, large: ok }, ctx).chain).toEqual(['medium', 'large']);
  });
});

describe('forced tier and missing assessment', () => {
  it('routes a named tier alone, rejecting unknown or disabled ones', () => {
    expect(decide(null, defaultPolicy(), healthy(), { ...ctx, forcedTier: 'medium' })).toMatchObject({ kind: 'cascade', chain: ['medium'], target: 'medium' });
    expect(decide(null, defaultPolicy(), healthy(), { ...ctx, forcedTier: 'gpt-9' })).toMatchObject({ kind: 'reject', errorCode: 'unknown_tier' });
    const s = healthy();
    s.set('small', { ...ok, enabled: false });
    expect(decide(null, defaultPolicy(), s, { ...ctx, forcedTier: 'small' })).toMatchObject({ kind: 'reject', errorCode: 'no_tier_available' });
  });
  it('rejects when there is nothing to route on', () => {
    expect(decide(null, defaultPolicy(), healthy(), ctx)).toMatchObject({ kind: 'reject', errorCode: 'no_tier_available' });
  });
  it('is pure: same inputs, same plan, inputs untouched', () => {
    const p = defaultPolicy();
    const before = JSON.stringify(p);
    const a = decide(assessment(0.2), p, healthy(), ctx);
    expect(decide(assessment(0.2), p, healthy(), ctx)).toEqual(a);
    expect(JSON.stringify(p)).toBe(before);
  });
});

describe('capabilities', () => {
  const caps = (over: Partial<TierCapabilities>): TierState => ({ ...ok, capabilities: { ...DEFAULT_CAPABILITIES, ...over } });
  const needs = (over: Partial<NeedsInput>) => needsOf({ messages: [{ content: 'hi' }], ...over });
  const image = [{ content: 'what is this?', parts: [{ type: 'image_url' }] }];

  it('skips tiers that cannot serve the request and says so', () => {
    const states = new Map([['small', caps({ tools: false })], ['medium', ok], ['large', ok]]);
    const p = decide(assessment(0.1), defaultPolicy(), states, { ...ctx, needs: needs({ tools: [{}] }) });
    expect(p).toMatchObject({ kind: 'cascade', target: 'small', chain: ['medium', 'large'] });
    expect(p.reasons).toContain('tier small cannot serve tool calls; skipped');
  });

  it('reaches up to the first target whose tiers can: an image goes to the vision tier', () => {
    const states = new Map([['small', ok], ['medium', ok], ['large', caps({ vision: true })]]);
    const p = decide(assessment(0.1), policy({ escalation: { small: [], medium: [], large: [] } }), states, { ...ctx, needs: needs({ messages: image }) });
    expect(p).toMatchObject({ kind: 'cascade', target: 'large', chain: ['large'] });
    expect(p.reasons.join('\n')).toMatch(/no small tier can serve images: answered by the large target/);
  });

  it('refuses, naming what is missing, when no tier can serve it', () => {
    const p = decide(assessment(0.1), defaultPolicy(), healthy(), { ...ctx, needs: needs({ messages: image }) });
    expect(p).toMatchObject({ kind: 'reject', errorCode: 'unsupported_capability', message: 'no tier can serve images' });
  });

  it('refuses, naming what is missing, also when the chain names a tier nobody knows', () => {
    const p = decide(assessment(0.1), policy({ escalation: { small: ['ghost'], medium: ['ghost'], large: ['ghost'] } }), healthy(), { ...ctx, needs: needs({ messages: image }) });
    expect(p).toMatchObject({ kind: 'reject', errorCode: 'unsupported_capability', message: 'no tier can serve images' });
    expect(p.reasons).toContain('tier ghost is unknown; skipped');
  });

  it('keeps a long prompt off a tier without room, and refuses a forced tier that lacks a capability', () => {
    const states = new Map([['small', caps({ contextTokens: 4096 })], ['medium', ok], ['large', ok]]);
    const long = needs({ messages: [{ content: 'x'.repeat(40_000) }] });
    expect(decide(assessment(0.1), defaultPolicy(), states, { ...ctx, needs: long })).toMatchObject({ chain: ['medium', 'large'] });
    const forced = decide(null, defaultPolicy(), states, { ...ctx, forcedTier: 'small', needs: long });
    expect(forced).toMatchObject({ kind: 'reject', errorCode: 'unsupported_capability' });
    expect((forced as { message: string }).message).toMatch(/tier small cannot serve a context of \d+ tokens \(it takes 4096\)/);
  });

  it('skips a tier that refuses a field the request carries, and only then', () => {
    const states = new Map([['small', { ...ok, rejectFields: ['logit_bias'] }], ['medium', ok], ['large', ok]]);
    const p = decide(assessment(0.1), defaultPolicy(), states, { ...ctx, needs: needs({ extra: { logit_bias: {} } }) });
    expect(p).toMatchObject({ kind: 'cascade', chain: ['medium', 'large'] });
    expect(p.reasons).toContain('tier small cannot serve the request field "logit_bias"; skipped');
    expect(decide(assessment(0.1), defaultPolicy(), states, { ...ctx, needs: needs({ max_tokens: 10 }) })).toMatchObject({ chain: ['small', 'medium', 'large'] });
  });

  it('answers without the research pipeline when its synthesizer refuses a field the request carries', () => {
    const research = policy({ research: { ...defaultPolicy().research, enabled: true } });
    const states = new Map([['small', ok], ['medium', ok], ['large', { ...ok, rejectFields: ['logit_bias'] }]]);
    expect(decide(assessment(0.95), research, states, { ...ctx, needs: needs({}) })).toMatchObject({ kind: 'research' });
    const p = decide(assessment(0.95), research, states, { ...ctx, needs: needs({ extra: { logit_bias: {} } }) });
    // answered by the large target instead, whose only tier refuses it too: a 400 naming the field
    expect(p).toMatchObject({ kind: 'reject', errorCode: 'unsupported_capability', message: 'no tier can serve the request field "logit_bias"' });
    expect(p.reasons.join('\n')).toMatch(/research pipeline unavailable \(large not usable\)/);
  });

  it('changes nothing for a plain text request', () => {
    expect(decide(assessment(0.1), defaultPolicy(), healthy(), { ...ctx, needs: needs({}) })).toEqual(decide(assessment(0.1), defaultPolicy(), healthy(), ctx));
  });
});
