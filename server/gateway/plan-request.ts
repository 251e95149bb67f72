// The planning stage: assess the prompt, read the key's spend, decide() over the active policy and
// live tier state, let exploration move the target, and settle whether the cache may answer. A
// refused plan is recorded here and thrown; anything else becomes the request context.
import { cacheEligibility, type Eligibility } from '../cache/eligibility';
import { assessTurn } from '../complexity/turn';
import type { Assessment } from '../complexity/types';
import type { GatewayRequest } from '../contracts/chat';
import type { Principal } from '../contracts/principal';
import { explainDatabaseFailure } from '../db/failures';
import { uuidv7 } from '../decisions/ids';
import { mark, STAGE_TRACE } from '../lib/stage-trace';
import { AttemptLog } from '../routing/attempts';
import { decide } from '../routing/decide';
import { scopePlan } from '../routing/key-scope';
import type { Plan } from '../routing/plan';
import type { Policy } from '../routing/policy';
import { ruleMatches } from '../routing/rules';
import { needsOf } from '../tiers/capabilities';
import type { ChatRequest } from '../tiers/types';
import { explorePlan } from '../tuning/explore-plan';
import type { RecordContext, RequestContext } from './context';
import { GatewayError } from './errors';
import type { PlanNotes } from './record';
import { recordDecision } from './record-decision';
import { resolveModel } from './resolve-model';
import { conversationKey, isFollowUp } from './sticky';
import type { GatewayDeps } from './types';

function lastUser(req: GatewayRequest): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

// The fields a tier gets: everything the client asked of the model, nothing of Cascade's own.
const TIER_FIELDS = ['max_tokens', 'temperature', 'top_p', 'stop', 'response_format', 'user', 'tools', 'tool_choice', 'parallel_tool_calls', 'n', 'seed', 'logprobs', 'top_logprobs', 'extra'] as const;

function toChatRequest(req: GatewayRequest): ChatRequest {
  const out: ChatRequest = { messages: req.messages };
  for (const k of TIER_FIELDS) if (req[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = req[k];
  return out;
}

/** Stands in when the analyzer fails: the middle of the medium band, with empty signals. */
function neutralAssessment(policy: Policy): Assessment {
  return {
    band: 'moderate', score: (policy.thresholds.t1 + policy.thresholds.t2) / 2, probs: { simple: 0, moderate: 1, complex: 0, research: 0 }, modelVersion: 'fallback',
    signals: { keywords: [], lengthBucket: 'short', tokens: 0, sentences: 0, questions: 0, numberedParts: 0, hasCode: false, hasMath: false, multiPart: false, language: 'und', contextShare: 0, topFeatures: [], truncated: false },
  };
}

/** The key's month-to-date spend; a failing spend source must not fail the request (it is said in the plan). */
async function spendOf(deps: GatewayDeps, apiKeyId: string | null): Promise<{ usd: number | null; error: string | null }> {
  if (!apiKeyId || !deps.budgets) return { usd: null, error: null };
  try {
    const usd = await deps.budgets.spentUsd(apiKeyId);
    return { usd: Number.isFinite(usd) ? usd : null, error: null };
  } catch (err) {
    const shown = explainDatabaseFailure(err); // never host:port or Prisma's text in a stored plan
    return { usd: null, error: shown instanceof Error ? shown.message : String(shown) };
  }
}

export async function planRequest(deps: GatewayDeps, principal: Principal, req: GatewayRequest): Promise<RequestContext> {
  const t0 = performance.now();
  const createdAt = new Date();
  const { version, policy } = deps.policy.current();
  const prompt = lastUser(req);
  const forced = resolveModel(req.model);
  if (STAGE_TRACE) mark(req.signal, 'gw.setup');
  let assessment: Assessment | null = null;
  try {
    if (!forced) assessment = req.preassessed ?? (await assessTurn(deps.analyzer, { messages: req.messages, toolsOffered: req.tools?.length ?? 0 }));
  } catch {
    assessment = null; // routed as moderate below rather than failing the request
  }
  if (STAGE_TRACE) mark(req.signal, 'gw.assess');
  const budget = principal.apiKeyId ? policy.budgets.find((b) => b.apiKeyId === principal.apiKeyId) : undefined;
  const spent = await spendOf(deps, budget?.apiKeyId ?? null);
  if (STAGE_TRACE) mark(req.signal, 'gw.spend');
  const chatReq = toChatRequest(req);
  const decideCtx = { prompt, apiKeyId: principal.apiKeyId, maxCostUsd: req.maxCostUsd, responseFormat: req.response_format?.type ?? null, budgetSpentUsd: spent.usd, forcedTier: forced, needs: needsOf(chatReq) };
  let plan: Plan = decide(assessment ?? (forced ? null : neutralAssessment(policy)), policy, deps.tiers.states(), decideCtx);
  // A key limited to some tiers: the plan keeps only those (server/routing/key-scope.ts).
  plan = scopePlan(plan, principal.allowedTiers, forced, [policy.targets.small, policy.targets.medium, policy.targets.large]);
  if (!assessment && !forced) plan.reasons.unshift('the complexity analyzer failed; routed as moderate');
  if (spent.error) plan.reasons.unshift(`month-to-date spend of this key could not be read (${spent.error}); budget not enforced for this request`);
  // Exploration only where the score alone chose the tier: not for forced tiers, requests a policy rule
  // matches (its force/forbid is the admin's word), keys with a budget (exploring up spends more), or
  // keys with a tier scope (exploring could leave it).
  const id = uuidv7();
  let explored: PlanNotes['exploration'] | null = null;
  if (assessment && !forced && !budget && !principal.allowedTiers?.length && !policy.rules.some((rule) => ruleMatches(rule, decideCtx))) {
    const before = plan;
    plan = explorePlan(before, policy, id);
    if (plan !== before && before.kind !== 'reject') explored = { from: before.target, to: plan.target as string, share: policy.tuner.exploration };
  }
  const conversation = { key: deps.sticky ? conversationKey(principal.tenant, req.messages, req.conversation) : null, sticky: null as PlanNotes['sticky'] | null };
  if (conversation.key && plan.kind === 'cascade' && !forced && isFollowUp(req.messages)) {
    const earlier = deps.sticky!.get(conversation.key);
    if (earlier) {
      const at = plan.chain.indexOf(earlier);
      conversation.sticky = { tier: earlier, applied: at >= 0 };
      if (at > 0) plan = { ...plan, chain: plan.chain.slice(at), reasons: [...plan.reasons, `the conversation's earlier turns were answered by ${earlier}: it stays there (its prefix cache is warm)`] };
      else if (at < 0) plan.reasons.push(`the conversation's earlier turns were answered by ${earlier}, which this turn's chain does not include`);
    }
  }
  const base = { deps, principal, req, id, createdAt, t0, prompt, chatReq, policy, policyVersion: version, assessment, log: new AttemptLog(), explored, conversation, judged: [] };
  if (plan.kind === 'reject') {
    const refused: RecordContext = { ...base, plan, eligibility: { eligible: false, reason: 'off', detail: '' } };
    recordDecision(refused, { kind: 'refused', errorCode: plan.errorCode });
    throw new GatewayError(plan.errorCode, plan.message, id);
  }
  let eligibility: Eligibility = !deps.cache || !policy.cache.enabled ? { eligible: false, reason: 'off', detail: 'cache off' }
    : forced ? { eligible: false, reason: 'forced', detail: 'the request named a tier' }
    : cacheEligibility(base.chatReq, policy.cache);
  // An explored request exists to observe the explored tier: a cache hit would observe nothing.
  if (explored && eligibility.eligible) eligibility = { eligible: false, reason: 'explored', detail: 'exploration bypasses the cache' };
  if (STAGE_TRACE) mark(req.signal, 'gw.decide');
  return { ...base, plan, eligibility };
}
