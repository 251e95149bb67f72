// The last stage of every request: one DecisionRecord handed to the sink, whatever happened. The
// outcome says what happened; the record's status, cache status, final tier and baseline follow from
// it here and nowhere else.
import type { CacheHit } from '../cache/types';
import type { AttemptRecord, DecisionStatus } from '../decisions/types';
import { cacheThreshold } from './cache-step';
import { missStatus, type RecordContext } from './context';
import { buildDecision, doorOf, type PlanNotes, type RecordedPlan } from './record';
import { trainingOf } from './training-step';

export type Outcome =
  /** Answered from the cache: nothing was called. */
  | { kind: 'hit'; hit: CacheHit }
  /** A tier answered (a stream may still end partial or in error after its first token). */
  | { kind: 'answered'; tier: string; status: Exclude<DecisionStatus, 'rejected'>; errorCode: string | null; ttftMs: number | null; answer: AttemptRecord | null; toolCalls?: number }
  /** No tier answered. */
  | { kind: 'failed'; errorCode: string }
  /** The plan refused the request (budget, rules, no tier). */
  | { kind: 'refused'; errorCode: string };

/** What the request carried beyond plain text and its door; null for a plain Chat Completions request (most traffic). */
function requestNotes(ctx: RecordContext, outcome: Outcome): PlanNotes['request'] | null {
  const r = ctx.chatReq;
  let images = 0;
  let audio = 0;
  for (const m of r.messages) {
    for (const p of m.parts ?? []) {
      if (p.type === 'image_url') images++;
      else if (p.type === 'input_audio') audio++;
    }
  }
  const toolCalls = outcome.kind === 'answered' ? (outcome.toolCalls ?? 0) : 0;
  const tools = r.tools?.length ?? 0;
  const door = ctx.req.door ?? 'chat.completions';
  if (!tools && !images && !audio && !toolCalls && (r.n ?? 1) === 1 && door === 'chat.completions') return null;
  return { door, tools, toolCalls, images, audio, choices: r.n ?? 1 };
}

/** Records the request's decision and returns its cost. A failing sink never fails the request. */
export function recordDecision(ctx: RecordContext, outcome: Outcome): number {
  const plan: RecordedPlan = { ...ctx.plan };
  if (ctx.explored) plan.exploration = ctx.explored;
  const hit = outcome.kind === 'hit' ? outcome.hit : null;
  if (hit) plan.cache = { entryId: hit.entryId, kind: hit.kind, similarity: hit.similarity, threshold: cacheThreshold(ctx), verifier: hit.verifier };
  const cacheStatus = hit ? hit.kind : outcome.kind === 'refused' ? 'bypass' : missStatus(ctx);
  if (cacheStatus === 'bypass' && !ctx.eligibility.eligible && ctx.eligibility.detail) plan.cacheBypass = { reason: ctx.eligibility.reason, detail: ctx.eligibility.detail };
  const request = requestNotes(ctx, outcome);
  if (request) plan.request = request;
  if (ctx.conversation.sticky) plan.sticky = ctx.conversation.sticky;
  if (outcome.kind === 'answered' && outcome.status === 'ok' && ctx.conversation.key) ctx.deps.sticky?.set(ctx.conversation.key, outcome.tier);
  const answer = outcome.kind === 'answered' ? outcome.answer : null;
  const decision = buildDecision({
    id: ctx.id, createdAt: ctx.createdAt, principal: { id: ctx.principal.id, apiKeyId: ctx.principal.apiKeyId }, source: ctx.req.source, door: doorOf(ctx.req),
    messages: ctx.req.messages, prompt: ctx.prompt, assessment: ctx.assessment, policyVersion: ctx.policyVersion, plan,
    finalTier: hit ? hit.tierName : outcome.kind === 'answered' ? outcome.tier : null,
    cacheStatus, attempts: ctx.log.attempts,
    answerTokens: answer ? { in: answer.tokensIn, out: answer.tokensOut } : null,
    large: ctx.deps.tiers.tier(ctx.policy.targets.large), latencyMs: performance.now() - ctx.t0,
    ttftMs: hit ? performance.now() - ctx.t0 : outcome.kind === 'answered' ? outcome.ttftMs : null,
    status: outcome.kind === 'hit' ? 'ok' : outcome.kind === 'answered' ? outcome.status : outcome.kind === 'refused' ? 'rejected' : 'error',
    errorCode: outcome.kind === 'hit' ? null : outcome.errorCode,
    baselineOverrideUsd: hit?.costSavedUsd,
  });
  // Only answered requests teach anything: a hit, a refusal or a failure has no verdict to learn from.
  if (outcome.kind === 'answered') {
    const training = trainingOf(ctx, outcome.tier);
    if (training) decision.training = training;
  }
  try {
    ctx.deps.sink.record(decision);
  } catch {
    // the recorder spools on its own; a throw here is a bug there, not a reason to fail the answer
  }
  return decision.costUsd;
}
