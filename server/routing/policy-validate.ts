// Validates a policy document against the schema and against the tiers that actually exist, so a
// policy naming an unknown or disabled tier is rejected with the field's path before it can go live.
import { policySchema, type Policy } from './policy';

export interface PolicyIssue {
  /** Dotted path of the offending field, e.g. "escalation.small.1". */
  path: string;
  message: string;
}

export type PolicyValidation = { ok: true; policy: Policy } | { ok: false; issues: PolicyIssue[] };

export interface KnownTier {
  name: string;
  enabled: boolean;
}

export function validatePolicy(input: unknown, tiers: readonly KnownTier[]): PolicyValidation {
  const parsed = policySchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message })) };
  }
  const p = parsed.data;
  const issues: PolicyIssue[] = [];
  const byName = new Map(tiers.map((t) => [t.name, t]));
  const ref = (path: string, name: string | undefined) => {
    if (name === undefined) return;
    const t = byName.get(name);
    if (!t) issues.push({ path, message: `unknown tier "${name}"` });
    else if (!t.enabled) issues.push({ path, message: `tier "${name}" is disabled` });
  };

  for (const band of ['small', 'medium', 'large'] as const) {
    ref(`targets.${band}`, p.targets[band]);
    p.escalation[band].forEach((n, i) => ref(`escalation.${band}.${i}`, n));
  }
  if (p.answerJudging.judgeTier !== null) ref('answerJudging.judgeTier', p.answerJudging.judgeTier);
  if (p.research.enabled) {
    ref('research.planner', p.research.planner);
    ref('research.worker', p.research.worker);
    ref('research.synthesizer', p.research.synthesizer);
  }

  p.apiKeyOverrides.forEach((o, i) => {
    const t = { ...p.thresholds, ...o.thresholds };
    for (const k of ['t1', 't2', 't3'] as const) {
      const v = t[k];
      if (!(v >= 0 && v <= 1)) issues.push({ path: `apiKeyOverrides.${i}.thresholds.${k}`, message: `${k} must be between 0 and 1` });
    }
    if (!(t.t1 < t.t2 && t.t2 < t.t3)) {
      issues.push({ path: `apiKeyOverrides.${i}.thresholds`, message: `thresholds for key ${o.apiKeyId} are out of order once merged (t1 < t2 < t3 required)` });
    }
  });
  const dup = (items: { apiKeyId: string }[], field: string) => {
    const seen = new Set<string>();
    items.forEach((x, i) => {
      if (seen.has(x.apiKeyId)) issues.push({ path: `${field}.${i}.apiKeyId`, message: `duplicate entry for key ${x.apiKeyId}` });
      seen.add(x.apiKeyId);
    });
  };
  dup(p.apiKeyOverrides, 'apiKeyOverrides');
  dup(p.budgets, 'budgets');
  const ruleIds = new Set<string>();
  p.rules.forEach((r, i) => {
    if (ruleIds.has(r.id)) issues.push({ path: `rules.${i}.id`, message: `duplicate rule id "${r.id}"` });
    ruleIds.add(r.id);
  });

  return issues.length ? { ok: false, issues } : { ok: true, policy: p };
}

/** One line per issue, for CLI and error messages. */
export function formatIssues(issues: PolicyIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}
