// Classification of batch items into dispatch groups: the same assess + decide as the request
// pipeline, without calling anything. The group is the first tier of the plan's chain, 'research'
// for the research pipeline, or REJECTED_GROUP when the policy refuses the request (it still goes
// through the pipeline, so the refusal gets its decision record and its own error).
import { decide } from '../routing/decide';
import type { GatewayDeps } from '../gateway/types';
import type { Principal } from '../runtime/types';
import { REJECTED_GROUP, type BatchRequest } from './types';

export type ClassifyDeps = Pick<GatewayDeps, 'analyzer' | 'policy' | 'tiers' | 'budgets'>;

export const RESEARCH_GROUP = 'research';

function lastUser(req: BatchRequest): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

export async function classify(deps: ClassifyDeps, principal: Principal, req: BatchRequest): Promise<string> {
  const { policy } = deps.policy.current();
  const prompt = lastUser(req);
  const forced = req.model ?? null;
  let assessment = null;
  if (!forced) {
    try {
      assessment = await deps.analyzer.assess(prompt);
    } catch {
      // the pipeline routes an unassessable prompt as moderate: group it with the medium tier
      return policy.targets.medium;
    }
  }
  const spent = principal.apiKeyId && deps.budgets ? await deps.budgets.spentUsd(principal.apiKeyId) : null;
  const plan = decide(assessment, policy, deps.tiers.states(), {
    prompt, apiKeyId: principal.apiKeyId, maxCostUsd: req.maxCostUsd, responseFormat: req.response_format?.type ?? null, budgetSpentUsd: spent, forcedTier: forced,
  });
  if (plan.kind === 'reject') return REJECTED_GROUP;
  if (plan.kind === 'research') return RESEARCH_GROUP;
  return plan.chain[0] ?? REJECTED_GROUP;
}

/**
 * How many items of a group run at once: the tier's own concurrency limit (its GPU capacity, the
 * same number admission enforces), so a batch fills a tier without queueing behind itself. The
 * research pipeline is bounded by its synthesizer (the large tier); refusals are answered locally.
 */
export function groupCapacity(deps: Pick<GatewayDeps, 'tiers' | 'policy'>, group: string): number {
  if (group === REJECTED_GROUP) return 4;
  const name = group === RESEARCH_GROUP ? deps.policy.current().policy.targets.large : group;
  const c = deps.tiers.tier(name)?.maxConcurrency;
  return typeof c === 'number' && Number.isInteger(c) && c >= 1 ? c : 1;
}
