// The request context: everything the stages after planning share. It exists only once the plan
// does (planRequest builds it), so no stage sees a half-built request.
import type { Eligibility } from '../cache/eligibility';
import type { Assessment } from '../complexity/types';
import type { AnswerMeta, GatewayRequest } from '../contracts/chat';
import type { Principal } from '../contracts/principal';
import type { CacheStatus, JudgedAnswerRecord } from '../decisions/types';
import type { AttemptLog } from '../routing/attempts';
import type { CascadePlan, Plan, ResearchPlan } from '../routing/plan';
import type { Policy } from '../routing/policy';
import type { ChatRequest } from '../tiers/types';
import type { PlanNotes } from './record';
import type { GatewayDeps } from './types';

/** What recording needs: a context whose plan may also be a refusal. */
export interface RecordContext extends Omit<RequestContext, 'plan'> {
  readonly plan: Plan;
}

export interface RequestContext {
  readonly deps: GatewayDeps;
  readonly principal: Principal;
  readonly req: GatewayRequest;
  /** The decision id, also the response's x-cascade-decision-id. */
  readonly id: string;
  readonly createdAt: Date;
  /** performance.now() when the gateway got the request. */
  readonly t0: number;
  /** The last user message: what the analyzer, the rules and the cache look at. */
  readonly prompt: string;
  /** The request as the tiers get it. */
  readonly chatReq: ChatRequest;
  readonly policy: Policy;
  readonly policyVersion: number;
  /** null when the request forced a tier, or the analyzer failed. */
  readonly assessment: Assessment | null;
  /** An accepted plan: a refused one never becomes a context. */
  readonly plan: CascadePlan | ResearchPlan;
  readonly eligibility: Eligibility;
  readonly log: AttemptLog;
  /** Set when exploration changed the plan's target (recorded in the decision's plan). */
  readonly explored: PlanNotes['exploration'] | null;
  /** The conversation this turn belongs to (null: no key), and whether it stayed on the earlier tier. */
  readonly conversation: { key: string | null; sticky: PlanNotes['sticky'] | null };
  /** The judged answers, filled in only when the policy keeps this request for training. */
  readonly judged: JudgedAnswerRecord[];
}

/** The cache status of a request that was not answered from the cache. */
export function missStatus(ctx: Pick<RecordContext, 'eligibility' | 'policy' | 'deps'>): CacheStatus {
  if (ctx.eligibility.eligible) return 'miss';
  return ctx.policy.cache.enabled && ctx.deps.cache ? 'bypass' : 'off';
}

export function metaOf(ctx: RequestContext, tier: string | null, extra: Partial<AnswerMeta> = {}): AnswerMeta {
  const cfg = tier ? ctx.deps.tiers.tier(tier) : undefined;
  return {
    decisionId: ctx.id, tier, model: cfg?.model ?? tier ?? 'none', band: ctx.assessment?.band ?? null,
    cached: false, escalated: ctx.log.attempts.filter((a) => a.step === 'answer' || a.step === 'synthesize').length > 1,
    simulated: cfg?.kind === 'simulated', ...extra,
  };
}
