// The request pipeline: assess -> decide -> cache lookup -> execute (cascade or research) -> cache
// store -> one DecisionRecord to the sink (handed over, never awaited). The cache is consulted after
// decide() because a hit must come from a tier at least as strong as the one the policy chose.
// Every request yields exactly one decision record, including refusals and failures.
import { cacheEligibility, scopeFor, type Eligibility } from '../cache/eligibility';
import type { CacheHit } from '../cache/types';
import type { Assessment } from '../complexity/types';
import type { AttemptRecord, CacheStatus, DecisionStatus } from '../decisions/types';
import { uuidv7 } from '../decisions/ids';
import { AttemptLog } from '../routing/attempts';
import { scopePlan } from '../routing/key-scope';
import { decide } from '../routing/decide';
import { executeChat, type ExecResult } from '../routing/executor';
import { TARGET_RANK, type Plan } from '../routing/plan';
import { admissionPriority } from './priority';
import { keyOverride, type Policy } from '../routing/policy';
import { prepareResearch, type ResearchProgress } from '../routing/research';
import { ruleMatches } from '../routing/rules';
import { explorePlan } from '../tuning/explore-plan';
import type { ChatRequest, Usage } from '../tiers/types';
import type { AnswerMeta, ChatResult, ChatStream, GatewayRequest, Principal } from '../runtime/types';
import { buildDecision, type PlanNotes, type RecordedPlan } from './record';
import { streamAnswer } from './pipeline-stream';
import { mark, sample, STAGE_TRACE } from './stage-trace';
import type { GatewayDeps } from './types';

/** A domain error with a code the transports map to HTTP (server/http/errors.ts). */
export class GatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly decisionId: string | null = null,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** Everything known about a request once it was routed; shared by the complete and stream paths. */
export interface Routed {
  deps: GatewayDeps;
  principal: Principal;
  req: GatewayRequest;
  id: string;
  createdAt: Date;
  t0: number;
  prompt: string;
  chatReq: ChatRequest;
  policy: Policy;
  policyVersion: number;
  assessment: Assessment | null;
  plan: Plan;
  eligibility: Eligibility;
  log: AttemptLog;
  /** Set when exploration changed the plan's target (recorded in the decision's plan). */
  explored: PlanNotes['exploration'] | null;
}

function lastUser(req: GatewayRequest): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

function toChatRequest(req: GatewayRequest): ChatRequest {
  const { messages, max_tokens, temperature, top_p, stop, response_format, user } = req;
  return { messages, max_tokens, temperature, top_p, stop, response_format, user };
}

/** Hands the record to the sink; a failing sink must never fail the request. */
export function finish(r: Routed, f: { finalTier: string | null; cacheStatus: CacheStatus; status: DecisionStatus; errorCode: string | null; ttftMs: number | null; answer: AttemptRecord | null; baselineOverrideUsd?: number; hit?: CacheHit }): number {
  const large = r.deps.tiers.tier(r.policy.targets.large);
  const plan: RecordedPlan = { ...r.plan };
  if (r.explored) plan.exploration = r.explored;
  if (f.hit) plan.cache = { entryId: f.hit.entryId, kind: f.hit.kind, similarity: f.hit.similarity, threshold: cacheThreshold(r), verifier: f.hit.verifier };
  if (f.cacheStatus === 'bypass' && !r.eligibility.eligible && r.eligibility.detail) plan.cacheBypass = { reason: r.eligibility.reason, detail: r.eligibility.detail };
  const decision = buildDecision({
    id: r.id, createdAt: r.createdAt, principal: { id: r.principal.id, apiKeyId: r.principal.apiKeyId }, source: r.req.source,
    messages: r.req.messages, prompt: r.prompt, assessment: r.assessment, policyVersion: r.policyVersion, plan,
    finalTier: f.finalTier, cacheStatus: f.cacheStatus, attempts: r.log.attempts,
    answerTokens: f.answer ? { in: f.answer.tokensIn, out: f.answer.tokensOut } : null,
    large, latencyMs: performance.now() - r.t0, ttftMs: f.ttftMs, status: f.status, errorCode: f.errorCode, baselineOverrideUsd: f.baselineOverrideUsd,
  });
  try {
    r.deps.sink.record(decision);
  } catch {
    // the recorder spools on its own; a throw here is a bug there, not a reason to fail the answer
  }
  return decision.costUsd;
}

export function metaOf(r: Routed, tier: string | null, extra: Partial<AnswerMeta> = {}): AnswerMeta {
  const cfg = tier ? r.deps.tiers.tier(tier) : undefined;
  return {
    decisionId: r.id, tier, model: cfg?.model ?? tier ?? 'none', band: r.assessment?.band ?? null,
    cached: false, escalated: r.log.attempts.filter((a) => a.step === 'answer' || a.step === 'synthesize').length > 1,
    simulated: cfg?.kind === 'simulated', ...extra,
  };
}

/** Stands in when the analyzer fails: the middle of the medium band, with empty signals. */
function neutralAssessment(policy: Policy): Assessment {
  return {
    band: 'moderate', score: (policy.thresholds.t1 + policy.thresholds.t2) / 2, probs: { simple: 0, moderate: 1, complex: 0, research: 0 }, modelVersion: 'fallback',
    signals: { keywords: [], lengthBucket: 'short', tokens: 0, sentences: 0, questions: 0, numberedParts: 0, hasCode: false, hasMath: false, multiPart: false, language: 'und', contextShare: 0, topFeatures: [], truncated: false },
  };
}

/** assess + decide; a refused plan is recorded and thrown. */
export async function route(deps: GatewayDeps, principal: Principal, req: GatewayRequest): Promise<Routed> {
  const t0 = performance.now();
  const { version, policy } = deps.policy.current();
  const prompt = lastUser(req);
  const forced = req.model && req.model !== 'auto' ? req.model : null;
  const r: Routed = {
    deps, principal, req, id: uuidv7(), createdAt: new Date(), t0, prompt, chatReq: toChatRequest(req), policy, policyVersion: version,
    assessment: null, plan: null as unknown as Plan, eligibility: { eligible: false, reason: 'off', detail: '' }, log: new AttemptLog(), explored: null,
  };
  try {
    if (STAGE_TRACE) mark(req.signal, 'gw.setup');
    if (!forced) r.assessment = req.preassessed ?? (await deps.analyzer.assess(prompt));
  } catch {
    r.assessment = null; // routed as moderate below rather than failing the request
  }
  if (STAGE_TRACE) mark(req.signal, 'gw.assess');
  const budget = principal.apiKeyId ? policy.budgets.find((b) => b.apiKeyId === principal.apiKeyId) : undefined;
  const spent = await spendOf(deps, budget?.apiKeyId ?? null);
  if (STAGE_TRACE) mark(req.signal, 'gw.spend');
  const ctx = { prompt, apiKeyId: principal.apiKeyId, maxCostUsd: req.maxCostUsd, responseFormat: req.response_format?.type ?? null, budgetSpentUsd: spent.usd, forcedTier: forced };
  r.plan = scopePlan(decide(r.assessment ?? (forced ? null : neutralAssessment(policy)), policy, deps.tiers.states(), ctx), principal.allowedTiers, forced, [policy.targets.small, policy.targets.medium, policy.targets.large]);
  if (!r.assessment && !forced) r.plan.reasons.unshift('the complexity analyzer failed; routed as moderate');
  if (spent.error) r.plan.reasons.unshift(`month-to-date spend of this key could not be read (${spent.error}); budget not enforced for this request`);
  // Exploration only where the score alone chose the tier: not for forced tiers, requests a policy rule
  // matches (its force/forbid is the admin's word), or keys with a budget (exploring up spends more).
  // Nor for keys with a tier scope (exploring could leave it).
  if (r.assessment && !forced && !budget && !principal.allowedTiers?.length && !policy.rules.some((rule) => ruleMatches(rule, ctx))) {
    const before = r.plan;
    r.plan = explorePlan(before, policy, r.id);
    if (r.plan !== before && before.kind !== 'reject') r.explored = { from: before.target, to: r.plan.target as string, share: policy.tuner.exploration };
  }
  if (r.plan.kind === 'reject') {
    finish(r, { finalTier: null, cacheStatus: 'bypass', status: 'rejected', errorCode: r.plan.errorCode, ttftMs: null, answer: null });
    throw new GatewayError(r.plan.errorCode, r.plan.message, r.id);
  }
  r.eligibility = !deps.cache || !policy.cache.enabled ? { eligible: false, reason: 'off', detail: 'cache off' }
    : forced ? { eligible: false, reason: 'forced', detail: 'the request named a tier' }
    : cacheEligibility(r.chatReq, policy.cache);
  // An explored request exists to observe the explored tier: a cache hit would observe nothing.
  if (r.explored && r.eligibility.eligible) r.eligibility = { eligible: false, reason: 'explored', detail: 'exploration bypasses the cache' };
  if (STAGE_TRACE) mark(req.signal, 'gw.decide');
  return r;
}

/** The key's month-to-date spend; a failing spend source must not fail the request (it is said in the plan). */
async function spendOf(deps: GatewayDeps, apiKeyId: string | null): Promise<{ usd: number | null; error: string | null }> {
  if (!apiKeyId || !deps.budgets) return { usd: null, error: null };
  try {
    const usd = await deps.budgets.spentUsd(apiKeyId);
    return { usd: Number.isFinite(usd) ? usd : null, error: null };
  } catch (err) {
    return { usd: null, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The similarity threshold of this request's scope: the key's override, else the policy's. */
export function cacheThreshold(r: Pick<Routed, 'policy' | 'principal'>): number {
  return keyOverride(r.policy, r.principal.apiKeyId)?.cacheSimilarityThreshold ?? r.policy.cache.similarityThreshold;
}

export async function cacheLookup(r: Routed) {
  if (!r.eligibility.eligible || !r.deps.cache) return null;
  try {
    return await r.deps.cache.lookup({
      prompt: r.eligibility.prompt, scope: scopeFor(r.principal.tenant, r.eligibility),
      minTierRank: TARGET_RANK[r.plan.target!], threshold: cacheThreshold(r),
    });
  } catch {
    return null; // a failing cache is a miss, never a failed request
  }
}

export function cacheStore(r: Routed, res: ExecResult) {
  if (!r.eligibility.eligible || !r.deps.cache || res.status !== 'ok' || !res.tier) return;
  if (res.attempts.at(-1)?.outcome !== 'ok') return; // never cache an answer that failed its checks
  const rank = r.plan.kind === 'research' ? 3 : TARGET_RANK[(['small', 'medium', 'large'] as const).find((t) => r.policy.targets[t] === res.tier!.name) ?? 'large'];
  const cache = r.deps.cache;
  const entry = { prompt: r.eligibility.prompt, scope: scopeFor(r.principal.tenant, r.eligibility), answer: res.content, tierName: res.tier.name, tierRank: rank, costUsd: r.log.costUsd, ttlSeconds: r.policy.cache.ttlSeconds, decisionId: r.id };
  // After the answer is on the wire: store() embeds the prompt synchronously before its first
  // await, which would otherwise delay every miss's response (setImmediate runs after this turn's
  // I/O callbacks and microtasks, i.e. after the response was written).
  const task = STAGE_TRACE ? tracedStore(() => cache.store(entry)) : new Promise<void>((resolve) => setImmediate(resolve)).then(() => cache.store(entry)).catch(() => undefined);
  r.deps.background?.(task);
}

/** cacheStore's task with its parts timed: the deferral, store()'s synchronous part, the whole. */
function tracedStore(store: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  return new Promise<number>((resolve) => setImmediate(() => resolve(performance.now())))
    .then((t1) => {
      sample('after.store.defer', t1 - t0);
      const p = store();
      sample('after.store.sync', performance.now() - t1);
      return p.then(() => sample('after.store.total', performance.now() - t1));
    })
    .catch(() => undefined);
}

/** The chain and request of the answering step: the plan's own, or the research synthesis. */
export async function answerStep(r: Routed): Promise<{ chain: string[]; request: ChatRequest; step: string }> {
  const priority = admissionPriority(r.plan.target!, r.req.source);
  if (r.plan.kind !== 'research') return { chain: r.plan.chain, request: r.chatReq, step: 'answer' };
  const steps = r.plan.steps;
  const listener = r.req.onProgress;
  const onProgress = listener && ((p: ResearchProgress) => listener({ ...p, decisionId: r.id }));
  const prep = await prepareResearch(r.deps.tiers, { steps, request: r.chatReq, validators: r.policy.validators, log: r.log, signal: r.req.signal, priority, onProgress });
  return { chain: [steps.synthesizer, ...r.plan.chain.filter((t) => t !== steps.synthesizer)], request: prep.synthesis, step: 'synthesize' };
}

function finishReasonOf(f: string | null): ChatResult['finishReason'] {
  return f === 'length' || f === 'content_filter' ? f : 'stop';
}

export async function completeChat(deps: GatewayDeps, principal: Principal, req: GatewayRequest): Promise<ChatResult> {
  const r = await route(deps, principal, req);
  const hit = await cacheLookup(r);
  if (STAGE_TRACE) mark(req.signal, 'gw.cacheLookup');
  if (hit) {
    finish(r, { finalTier: hit.tierName, cacheStatus: hit.kind, status: 'ok', errorCode: null, ttftMs: performance.now() - r.t0, answer: null, baselineOverrideUsd: hit.costSavedUsd, hit });
    const usage: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    return { ...metaOf(r, hit.tierName, { cached: true }), content: hit.answer, finishReason: 'stop', usage, costUsd: 0 };
  }
  const cacheStatus: CacheStatus = r.eligibility.eligible ? 'miss' : r.policy.cache.enabled && deps.cache ? 'bypass' : 'off';
  let res: ExecResult;
  try {
    const step = await answerStep(r);
    if (STAGE_TRACE) mark(req.signal, 'gw.answerStep');
    res = await executeChat(deps.tiers, { chain: step.chain, request: step.request, validators: r.policy.validators, step: step.step, log: r.log, signal: req.signal, priority: admissionPriority(r.plan.target!, r.req.source) });
  } catch (err) {
    finish(r, { finalTier: null, cacheStatus, status: 'error', errorCode: 'internal_error', ttftMs: null, answer: null });
    throw err;
  }
  const answer = res.attempts.at(-1) ?? null;
  if (res.status !== 'ok' || !res.tier) {
    finish(r, { finalTier: null, cacheStatus, status: 'error', errorCode: res.error?.code ?? 'upstream_error', ttftMs: null, answer: null });
    throw new GatewayError(res.error?.code === 'cancelled' ? 'bad_request' : 'upstream_error', res.error?.message ?? 'no tier could answer', r.id);
  }
  if (STAGE_TRACE) mark(req.signal, 'gw.execReturn');
  cacheStore(r, res);
  const cost = finish(r, { finalTier: res.tier.name, cacheStatus, status: 'ok', errorCode: null, ttftMs: answer?.ttftMs ?? null, answer });
  if (STAGE_TRACE) mark(req.signal, 'gw.record');
  return { ...metaOf(r, res.tier.name), content: res.content, finishReason: finishReasonOf(res.finishReason), usage: res.usage!, costUsd: cost };
}

/**
 * One entry for both modes, as the brief names it: a full result, or a stream whose metadata
 * (decision id, tier, band) is known before the first token.
 */
export async function handleChat(deps: GatewayDeps, principal: Principal, req: GatewayRequest & { stream?: boolean }): Promise<{ kind: 'complete'; result: ChatResult } | { kind: 'stream'; stream: ChatStream }> {
  if (req.stream) return { kind: 'stream', stream: await streamAnswer(await route(deps, principal, req)) };
  return { kind: 'complete', result: await completeChat(deps, principal, req) };
}
