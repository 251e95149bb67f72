import { describe, expect, it } from 'vitest';
import { scoreOfVerdict, tuneAcceptThreshold, type AcceptedRating } from './accept-threshold';

const opts = { target: 0.8, minSamples: 100, maxStep: 0.05 };
const ratings = (n: number, lo: number, hi: number, success: (score: number) => number): AcceptedRating[] =>
  Array.from({ length: n }, (_, i) => {
    const score = lo + ((hi - lo) * i) / (n - 1);
    return { band: 'medium', score, success: success(score) };
  });

describe('tuneAcceptThreshold', () => {
  it('waits for minSamples', () => {
    expect(tuneAcceptThreshold(0.72, ratings(50, 0.72, 0.99, () => 1), opts)).toMatchObject({ threshold: 0.72, changed: false, reason: 'only 50 rated accepted answers, need 100' });
  });
  it('lowers one step while even the lowest accepted scores succeed at the target', () => {
    const r = tuneAcceptThreshold(0.72, ratings(200, 0.72, 0.99, () => 1), opts);
    expect(r).toMatchObject({ threshold: 0.67, changed: true });
    expect(r.reason).toMatch(/accepted answers down to score 0\.72 succeed at 100\.0 %: lowering/);
  });
  it('raises to where accepted answers start to succeed, at most one step', () => {
    // Accepted answers under 0.8 are mostly bad, above it good.
    const r = tuneAcceptThreshold(0.72, ratings(400, 0.72, 0.99, (s) => (s < 0.8 ? (Math.round(s * 1000) % 3 === 0 ? 1 : 0) : 1)), opts);
    expect(r.changed).toBe(true);
    expect(r.threshold).toBeGreaterThan(0.72);
    expect(r.threshold).toBeLessThanOrEqual(0.77);
    expect(r.reason).toMatch(/fall short of the target/);
  });
  it('reads the model score out of a verdict detail', () => {
    expect(scoreOfVerdict('accept (score 0.812): P(acceptable) 0.812 >= 0.720')).toBe(0.812);
    expect(scoreOfVerdict('abstain: no answer-quality model loaded')).toBeNull();
    expect(scoreOfVerdict(null)).toBeNull();
  });
});
