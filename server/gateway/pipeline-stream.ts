// The streaming half of the pipeline. The stream is handed to the transport only once the first
// event is known, so the response headers (decision id, tier, band) are true: failures before the
// first token escalate inside the executor; if every tier fails before streaming, the caller gets
// a proper HTTP error instead of a 200 with an error inside.
import type { CacheStatus } from '../decisions/types';
import { executeStream, type StreamEvent } from '../routing/executor-stream';
import { admissionPriority } from './priority';
import type { ChatStream, ChatStreamEvent } from '../contracts/chat';
import type { Usage } from '../tiers/types';
import { answerStep, cacheLookup, cacheStore, finish, GatewayError, metaOf, type Routed } from './pipeline';

const ZERO: Usage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

export async function streamAnswer(r: Routed): Promise<ChatStream> {
  const hit = await cacheLookup(r);
  if (hit) {
    const meta = metaOf(r, hit.tierName, { cached: true });
    finish(r, { finalTier: hit.tierName, cacheStatus: hit.kind, status: 'ok', errorCode: null, ttftMs: performance.now() - r.t0, answer: null, baselineOverrideUsd: hit.costSavedUsd, hit });
    async function* cached(): AsyncGenerator<ChatStreamEvent> {
      yield { type: 'delta', content: hit!.answer };
      yield { type: 'done', finishReason: 'stop', usage: ZERO, costUsd: 0, meta };
    }
    return { meta, events: cached() };
  }
  const cacheStatus: CacheStatus = r.eligibility.eligible ? 'miss' : r.policy.cache.enabled && r.deps.cache ? 'bypass' : 'off';
  let step;
  try {
    step = await answerStep(r);
  } catch (err) {
    finish(r, { finalTier: null, cacheStatus, status: 'error', errorCode: 'internal_error', ttftMs: null, answer: null });
    throw err;
  }
  const x = executeStream(r.deps.tiers, { chain: step.chain, request: step.request, validators: r.policy.validators, step: step.step, log: r.log, signal: r.req.signal, priority: admissionPriority(r.plan.target!, r.req.source) });
  const it = x.events;
  const first = await it.next();
  if (first.done || first.value.type !== 'tier') {
    await it.return(undefined);
    const res = await x.result;
    finish(r, { finalTier: null, cacheStatus, status: 'error', errorCode: res.error?.code ?? 'upstream_error', ttftMs: null, answer: null });
    const message = first.done ? 'no tier could answer' : first.value.type === 'error' ? first.value.message : 'no tier could answer';
    throw new GatewayError(res.error?.code === 'cancelled' ? 'bad_request' : 'upstream_error', message, r.id);
  }
  const tier = first.value.tier;
  const meta = metaOf(r, tier);

  async function* events(): AsyncGenerator<ChatStreamEvent> {
    let ttftMs: number | null = null;
    try {
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        const e: StreamEvent = n.value;
        if (e.type === 'delta') {
          ttftMs ??= performance.now() - r.t0;
          yield { type: 'delta', content: e.text };
        } else if (e.type === 'end') {
          yield { type: 'done', finishReason: e.finishReason === 'length' || e.finishReason === 'content_filter' ? e.finishReason : 'stop', usage: e.usage, costUsd: r.log.costUsd, meta: metaOf(r, tier) };
        } else if (e.type === 'error') {
          yield { type: 'error', code: e.code, message: e.message };
        }
      }
    } finally {
      // Also runs when the client went away: closing the executor cancels the upstream call.
      await it.return(undefined);
      const res = await x.result;
      if (res.status === 'ok') cacheStore(r, res);
      finish(r, {
        finalTier: res.tier?.name ?? tier,
        cacheStatus,
        status: res.status,
        errorCode: res.error?.code ?? null,
        ttftMs,
        answer: res.attempts.at(-1) ?? null,
      });
    }
  }
  return { meta, events: events() };
}
