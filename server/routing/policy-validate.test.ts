import { describe, expect, it } from 'vitest';
import { defaultPolicy } from './policy';
import { formatIssues, validatePolicy } from './policy-validate';

const tiers = [
  { name: 'small', enabled: true },
  { name: 'medium', enabled: true },
  { name: 'large', enabled: true },
  { name: 'old', enabled: false },
];

describe('validatePolicy', () => {
  it('accepts the default policy against the default tiers', () => {
    const r = validatePolicy(defaultPolicy(), tiers);
    expect(r.ok).toBe(true);
  });

  it('names the field of an unknown or disabled tier', () => {
    const p = { ...defaultPolicy(), escalation: { small: ['medium', 'huge'], medium: ['old'], large: [] } };
    const r = validatePolicy(p, tiers);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues).toContainEqual({ path: 'escalation.small.1', message: 'unknown tier "huge"' });
      expect(r.issues).toContainEqual({ path: 'escalation.medium.0', message: 'tier "old" is disabled' });
    }
    const r2 = validatePolicy({ ...defaultPolicy(), targets: { small: 'tiny', medium: 'medium', large: 'large' } }, tiers);
    expect(!r2.ok && formatIssues(r2.issues)).toBe('targets.small: unknown tier "tiny"');
    const r3 = validatePolicy({ ...defaultPolicy(), research: { enabled: true, worker: 'old' } }, tiers);
    expect(!r3.ok && r3.issues[0].path).toBe('research.worker');
  });

  it('passes schema errors through with their paths: order, cycles, negative budgets, bad regex', () => {
    const bad = {
      ...defaultPolicy(),
      thresholds: { t1: 0.5, t2: 0.4, t3: 0.8 },
      escalation: { small: ['medium', 'small'], medium: [], large: [] },
      budgets: [{ apiKeyId: 'k', monthlyUsd: -1 }],
      rules: [{ id: 'r', match: { regex: '(' }, action: { type: 'force', target: 'large' } }],
    };
    const r = validatePolicy(bad, tiers);
    expect(r.ok).toBe(false);
    const paths = !r.ok ? r.issues.map((i) => i.path) : [];
    expect(paths).toEqual(expect.arrayContaining(['budgets.0.monthlyUsd']));
    // zod runs refinements only when the shape parsed; check them separately
    const r2 = validatePolicy({ ...bad, budgets: [] }, tiers);
    const paths2 = !r2.ok ? r2.issues.map((i) => i.path) : [];
    expect(paths2).toEqual(expect.arrayContaining(['thresholds.t2', 'escalation.small.1', 'rules.0.match.regex']));
    expect(validatePolicy('nonsense', tiers)).toMatchObject({ ok: false, issues: [{ path: '(root)' }] });
  });

  it('checks merged per-key thresholds and duplicates', () => {
    const r = validatePolicy(
      {
        ...defaultPolicy(),
        apiKeyOverrides: [{ apiKeyId: 'a', thresholds: { t1: 0.9 } }, { apiKeyId: 'a', thresholds: {} }],
        rules: [
          { id: 'x', match: {}, action: { type: 'force', target: 'small' } },
          { id: 'x', match: {}, action: { type: 'force', target: 'small' } },
        ],
      },
      tiers,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues.map((i) => i.path)).toEqual(['apiKeyOverrides.0.thresholds', 'apiKeyOverrides.1.apiKeyId', 'rules.1.id']);
    }
  });
});
