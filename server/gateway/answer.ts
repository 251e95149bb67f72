// The answering stage of a complete (non-streamed) request: cache hit, else the cascade over the
// plan's chain (or the research pipeline's synthesis), then the cache store and the record.
import type { ChatResult } from '../contracts/chat';
import type { ErrorCode } from '../lib/errors';
import { mark, STAGE_TRACE } from '../lib/stage-trace';
import { lastAnswerAttempt } from '../routing/attempts';
import { executeChat, type ExecResult } from '../routing/executor';
import { prepareResearch, type ResearchProgress } from '../routing/research';
import type { ChatRequest, Usage } from '../tiers/types';
import { cacheLookup, cacheStore } from './cache-step';
import { metaOf, type RequestContext } from './context';
import { GatewayError } from './errors';
import { judgeFor } from './judge-step';
import { admissionPriority } from './priority';
import { recordDecision } from './record-decision';

/** What a cache hit used: no model was called. */
export const ZERO_USAGE: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

export interface AnswerStep {
  chain: string[];
  request: ChatRequest;
  step: 'answer' | 'synthesize';
  priority: number;
}

/** The chain and request of the answering step: the plan's own, or the research synthesis. */
export async function answerStep(ctx: RequestContext): Promise<AnswerStep> {
  const priority = admissionPriority(ctx.plan.target, ctx.req.source);
  if (ctx.plan.kind !== 'research') return { chain: ctx.plan.chain, request: ctx.chatReq, step: 'answer', priority };
  const steps = ctx.plan.steps;
  const listener = ctx.req.onProgress;
  const onProgress = listener && ((p: ResearchProgress) => listener({ ...p, decisionId: ctx.id }));
  const prep = await prepareResearch(ctx.deps.tiers, { steps, request: ctx.chatReq, validators: ctx.policy.validators, log: ctx.log, signal: ctx.req.signal, priority, onProgress });
  return { chain: [steps.synthesizer, ...ctx.plan.chain.filter((t) => t !== steps.synthesizer)], request: prep.synthesis, step: 'synthesize', priority };
}

/** The client-facing code of a failed execution: a full queue is a 429 (retry later), not a 502. */
function failureCode(execCode: string | undefined): ErrorCode {
  if (execCode === 'cancelled') return 'bad_request';
  if (execCode === 'queue_full') return 'queue_full';
  return 'upstream_error';
}

/** The failure a request that no tier answered is thrown as (after it was recorded). */
export function noAnswerError(ctx: RequestContext, res: Pick<ExecResult, 'error'>, message?: string): GatewayError {
  return new GatewayError(failureCode(res.error?.code), message ?? res.error?.message ?? 'no tier could answer', ctx.id);
}

export function finishReasonOf(f: string | null): ChatResult['finishReason'] {
  return f === 'length' || f === 'content_filter' || f === 'tool_calls' ? f : 'stop';
}

export async function answer(ctx: RequestContext): Promise<ChatResult> {
  const signal = ctx.req.signal;
  const hit = await cacheLookup(ctx);
  if (STAGE_TRACE) mark(signal, 'gw.cacheLookup');
  if (hit) {
    recordDecision(ctx, { kind: 'hit', hit });
    return { ...metaOf(ctx, hit.tierName, { cached: true }), content: hit.answer, finishReason: 'stop', usage: ZERO_USAGE, costUsd: 0 };
  }
  let res: ExecResult;
  try {
    const step = await answerStep(ctx);
    if (STAGE_TRACE) mark(signal, 'gw.answerStep');
    res = await executeChat(ctx.deps.tiers, { chain: step.chain, request: step.request, validators: ctx.policy.validators, step: step.step, log: ctx.log, signal, priority: step.priority, judge: judgeFor(ctx, false) });
  } catch (err) {
    recordDecision(ctx, { kind: 'failed', errorCode: 'internal_error' });
    throw err;
  }
  if (res.status !== 'ok' || !res.tier) {
    recordDecision(ctx, { kind: 'failed', errorCode: res.error?.code ?? 'upstream_error' });
    throw noAnswerError(ctx, res);
  }
  if (STAGE_TRACE) mark(signal, 'gw.execReturn');
  cacheStore(ctx, res);
  const last = lastAnswerAttempt(res.attempts);
  const cost = recordDecision(ctx, { kind: 'answered', tier: res.tier.name, status: 'ok', errorCode: null, ttftMs: last?.ttftMs ?? null, answer: last, toolCalls: res.extras?.toolCalls?.length });
  if (STAGE_TRACE) mark(signal, 'gw.record');
  const result: ChatResult = { ...metaOf(ctx, res.tier.name), content: res.content, finishReason: finishReasonOf(res.finishReason), usage: res.usage!, costUsd: cost };
  if (res.extras) result.extras = res.extras;
  return result;
}
