// The answering stage of a streamed request. The stream is handed to the transport only once the
// first event is known, so the response headers (decision id, tier, band) are true: failures before
// the first token escalate inside the executor; if every tier fails before streaming, the caller gets
// a proper HTTP error instead of a 200 with an error inside.
import type { AttemptTotals, ChatStream, ChatStreamEvent } from '../contracts/chat';
import { lastAnswerAttempt } from '../routing/attempts';
import { executeStream, type StreamEvent } from '../routing/executor-stream';
import { answerStep, finishReasonOf, noAnswerError, ZERO_USAGE } from './answer';
import { cacheLookup, cacheStore } from './cache-step';
import { judgeFor } from './judge-step';
import { metaOf, type RequestContext } from './context';
import { recordDecision } from './record-decision';

export async function answerStream(ctx: RequestContext): Promise<ChatStream> {
  const hit = await cacheLookup(ctx);
  if (hit) {
    const meta = metaOf(ctx, hit.tierName, { cached: true });
    recordDecision(ctx, { kind: 'hit', hit });
    async function* cached(): AsyncGenerator<ChatStreamEvent> {
      yield { type: 'delta', content: hit!.answer };
      yield { type: 'done', finishReason: 'stop', usage: ZERO_USAGE, costUsd: 0, meta, totals: { attempts: 0, tokensIn: 0, tokensOut: 0 } };
    }
    return { meta, events: cached() };
  }
  let step;
  try {
    step = await answerStep(ctx);
  } catch (err) {
    recordDecision(ctx, { kind: 'failed', errorCode: 'internal_error' });
    throw err;
  }
  const x = executeStream(ctx.deps.tiers, { chain: step.chain, request: step.request, validators: ctx.policy.validators, step: step.step, log: ctx.log, signal: ctx.req.signal, priority: step.priority, judge: judgeFor(ctx, true) });
  const it = x.events;
  const first = await it.next();
  if (first.done || first.value.type !== 'tier') {
    await it.return(undefined);
    const res = await x.result;
    recordDecision(ctx, { kind: 'failed', errorCode: res.error?.code ?? 'upstream_error' });
    throw noAnswerError(ctx, res, !first.done && first.value.type === 'error' ? first.value.message : 'no tier could answer');
  }
  const tier = first.value.tier;
  // The answering attempt is still open (not in the log yet): any answer attempt already logged means
  // this one is an escalation.
  const escalated = ctx.log.attempts.some((a) => a.step === 'answer' || a.step === 'synthesize');
  const meta = metaOf(ctx, tier, { escalated });

  async function* events(): AsyncGenerator<ChatStreamEvent> {
    let ttftMs: number | null = null;
    try {
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        const e: StreamEvent = n.value;
        if (e.type === 'delta') {
          ttftMs ??= performance.now() - ctx.t0;
          yield { type: 'delta', content: e.text };
        } else if (e.type === 'tool_calls') {
          yield { type: 'tool_calls', toolCalls: e.toolCalls };
        } else if (e.type === 'end') {
          yield { type: 'done', finishReason: finishReasonOf(e.finishReason), usage: e.usage, costUsd: ctx.log.costUsd, meta: metaOf(ctx, tier), totals: totalsOf(ctx.log.attempts), ...(e.matchedStop !== undefined ? { matchedStop: e.matchedStop } : {}) };
        } else if (e.type === 'error') {
          yield { type: 'error', code: e.code, message: e.message };
        }
      }
    } finally {
      // Also runs when the client went away: closing the executor cancels the upstream call.
      await it.return(undefined);
      const res = await x.result;
      if (res.status === 'ok') cacheStore(ctx, res);
      recordDecision(ctx, { kind: 'answered', tier: res.tier?.name ?? tier, status: res.status, errorCode: res.error?.code ?? null, ttftMs, answer: lastAnswerAttempt(res.attempts), toolCalls: res.extras?.toolCalls?.length });
    }
  }
  return { meta, events: events() };
}

/** What the decision will record for this request: every attempt so far (the answering one is finished before 'end'). */
function totalsOf(attempts: readonly { tokensIn: number; tokensOut: number }[]): AttemptTotals {
  return { attempts: attempts.length, tokensIn: attempts.reduce((s, a) => s + a.tokensIn, 0), tokensOut: attempts.reduce((s, a) => s + a.tokensOut, 0) };
}
