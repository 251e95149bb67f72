// Classification of batch items into dispatch groups: the same assess + decide as the request
// pipeline, without calling anything. The group is the first tier of the plan's chain, 'research'
// for the research pipeline, or REJECTED_GROUP when the policy refuses the request (it still goes
// through the pipeline, so the refusal gets its decision record and its own error).
import { assessTurn } from '../complexity/turn';
import type { Assessment } from '../complexity/types';
import { decide } from '../routing/decide';
import type { GatewayDeps } from '../gateway/types';
import type { Principal } from '../contracts/principal';
import { REJECTED_GROUP, type BatchRequest } from './types';

export type ClassifyDeps = Pick<GatewayDeps, 'analyzer' | 'policy' | 'tiers' | 'budgets'>;

export const RESEARCH_GROUP = 'research';

function lastUser(req: BatchRequest): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

export interface Classified {
  group: string;
  /** Handed to the pipeline with the item (GatewayRequest.preassessed) so it is not assessed twice. */
  assessment: Assessment | null;
}

export async function classify(deps: ClassifyDeps, principal: Principal, req: BatchRequest): Promise<Classified> {
  const { policy } = deps.policy.current();
  const prompt = lastUser(req);
  const forced = req.model ?? null;
  let assessment: Assessment | null = null;
  if (!forced) {
    try {
      assessment = await assessTurn(deps.analyzer, { messages: req.messages, toolsOffered: req.tools?.length ?? 0 });
    } catch {
      // the pipeline routes an unassessable prompt as moderate: group it with the medium tier
      return { group: policy.targets.medium, assessment: null };
    }
  }
  const spent = principal.apiKeyId && deps.budgets ? await deps.budgets.spentUsd(principal.apiKeyId) : null;
  const plan = decide(assessment, policy, deps.tiers.states(), {
    prompt, apiKeyId: principal.apiKeyId, maxCostUsd: req.maxCostUsd, responseFormat: req.response_format?.type ?? null, budgetSpentUsd: spent, forcedTier: forced,
  });
  const group = plan.kind === 'reject' ? REJECTED_GROUP : plan.kind === 'research' ? RESEARCH_GROUP : (plan.chain[0] ?? REJECTED_GROUP);
  return { group, assessment };
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
