import { describe, expect, it } from 'vitest';
import { decide } from './decide';
import { defaultPolicy } from './policy';
import { scopePlan } from './key-scope';

const healthy = () => new Map(['small', 'medium', 'large'].map((n) => [n, { enabled: true, breaker: 'closed' as const, queued: 0 }]));
const assessment = (score: number) => ({
  band: score < 0.3 ? 'simple' : score < 0.6 ? 'moderate' : 'complex', score, probs: { simple: 0, moderate: 0, complex: 0, research: 0 }, modelVersion: 't',
  signals: { keywords: [], lengthBucket: 'short', tokens: 1, sentences: 1, questions: 0, numberedParts: 0, hasCode: false, hasMath: false, multiPart: false, language: 'en', contextShare: 0, topFeatures: [], truncated: false },
}) as unknown as Parameters<typeof decide>[0];

describe('API key tier scope', () => {
  it('leaves unscoped keys alone', () => {
    const p = decide(assessment(0.1), defaultPolicy(), healthy(), { prompt: 'x' });
    expect(scopePlan(p, undefined, null)).toBe(p);
    expect(scopePlan(p, [], null)).toBe(p);
  });
  it('keeps only allowed tiers of a cascade, in order, and says so', () => {
    const p = scopePlan(decide(assessment(0.1), defaultPolicy(), healthy(), { prompt: 'x' }), ['small', 'medium'], null);
    expect(p).toMatchObject({ kind: 'cascade', chain: ['small', 'medium'] });
    expect(p.reasons.at(-1)).toContain('removed large');
  });
  it('refuses a forced tier outside the scope', () => {
    const forced = decide(null, defaultPolicy(), healthy(), { prompt: 'x', forcedTier: 'large' });
    expect(scopePlan(forced, ['small'], 'large')).toMatchObject({ kind: 'reject', errorCode: 'forbidden' });
  });
  it('caps a request none of whose tiers is allowed at the strongest allowed tier, then down', () => {
    const complex = decide(assessment(0.95), defaultPolicy(), healthy(), { prompt: 'x' });
    expect(complex.chain).not.toContain('small');
    const p = scopePlan(complex, ['small', 'medium'], null, ['small', 'medium', 'large']);
    expect(p).toMatchObject({ kind: 'cascade', chain: ['medium', 'small'] });
    expect(p.reasons.join(' ')).toContain('capped at medium');
    expect(scopePlan(complex, ['gpu-x'], null, ['small', 'medium', 'large'])).toMatchObject({ kind: 'reject', errorCode: 'forbidden' });
  });
});
