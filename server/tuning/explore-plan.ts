// Exploration applied to a routing plan: the request path calls this right after decide(), so a
// share of requests (policy.tuner.exploration) is answered one tier lower or higher and recorded
// with that tier. decide() itself stays pure and deterministic; this is deterministic per decision id.
import type { CascadePlan, Plan } from '../routing/decide';
import type { Policy } from '../routing/policy';
import { exploreForRequest } from './explore';

const TARGETS = ['small', 'medium', 'large'] as const;

/**
 * Returns the plan unchanged unless this request explores. Only plain score-routed cascades explore:
 * not research, not rejections, not plans whose target rules / budgets / a forced tier changed, and
 * never toward a target that a policy rule can forbid. The original chain stays as the fallback.
 * Not answer-side cascades either: they try the cheap tier on every request already, and moving a
 * stronger tier in front would make a rejected answer escalate down the chain.
 */
export function explorePlan(plan: Plan, policy: Policy, decisionId: string, seed = 0): Plan {
  const share = policy.tuner.mode === 'off' ? 0 : policy.tuner.exploration;
  if (!(share > 0) || plan.kind !== 'cascade' || plan.target !== plan.scoredTarget || plan.judging) return plan;
  const from = TARGETS.indexOf(plan.target);
  const choice = exploreForRequest(decisionId, from, share, seed);
  if (choice.shift === 0) return plan;
  const target = TARGETS[choice.tier];
  if (policy.rules.some((r) => r.action.type === 'forbid' && r.action.target === target)) return plan;
  const tier = policy.targets[target];
  if (!plan.chain.includes(tier) && choice.shift > 0 && !policy.escalation[plan.target].includes(tier)) {
    // A stronger tier that is not reachable from this chain was left out by decide (e.g. disabled).
    return plan;
  }
  const explored: CascadePlan = {
    ...plan,
    target,
    chain: [tier, ...plan.chain.filter((t) => t !== tier)],
    reasons: [...plan.reasons, `exploration (${Math.round(share * 100)} % of traffic): answered by ${target} instead of ${plan.target} to keep the tuner's estimates fresh`],
  };
  return explored;
}
