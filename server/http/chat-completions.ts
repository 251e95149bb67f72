// POST /v1/chat/completions, OpenAI-compatible. Thin: authenticate, parse, resolve the model, call the
// gateway, shape the answer (JSON or server-sent events). Nothing reaches the gateway before the
// request is fully valid, so a rejected request records nothing.
import type { AnswerMeta, ChatResult, ChatService, ChatStream, GatewayRequest } from '../contracts/chat';
import type { ApiKeyVerifier, FeedbackPort, TierDirectory } from '../contracts/ports';
import type { Usage } from '../tiers/types';
import { authenticate } from './auth';
import { readJsonBody } from './body';
import { HttpError, toHttpError } from './errors';
import { errorResult, json, type HttpResult } from './result';
import { gatewayFields } from './chat-request';
import { parseChatRequest, type ChatCompletionBody } from './schema';
import { mark, STAGE_TRACE } from '../lib/stage-trace';
import { resolveKnownModel } from '../gateway/resolve-model';

export interface V1Deps {
  chat: ChatService;
  tiers: TierDirectory;
  apiKeys: ApiKeyVerifier;
  feedback: FeedbackPort;
  maxBodyBytes: number;
  /** Resolves once the decisions recorded so far are on local disk: awaited before an answer is sent. */
  durable?: () => Promise<void>;
}

export interface V1Request {
  header(name: string): string | null;
  body: AsyncIterable<Uint8Array> | null;
  signal?: AbortSignal;
}

export async function chatCompletions(deps: V1Deps, req: V1Request): Promise<HttpResult> {
  try {
    const principal = await authenticate(deps.apiKeys, req.header('authorization'));
    if (STAGE_TRACE) mark(req.signal, 'http.auth');
    const raw = await readJsonBody(req.body, deps.maxBodyBytes, req.header('content-length'));
    if (STAGE_TRACE) mark(req.signal, 'http.body');
    const { body, messages, extra } = parseChatRequest(raw);
    const model = resolveKnownModel(deps.tiers, body.model);
    if (STAGE_TRACE) mark(req.signal, 'http.parse');
    const gatewayReq: GatewayRequest = {
      model,
      ...gatewayFields(body, messages, extra),
      source: 'api',
      conversation: req.header('x-cascade-conversation') ?? conversationOf(body.metadata),
      maxCostUsd: parseMaxCost(req.header('x-cascade-max-cost-usd')),
      signal: req.signal,
    };
    if (body.stream) {
      const stream = await deps.chat.stream(principal, gatewayReq);
      return { status: 200, headers: { ...sseHeaders(), ...cascadeHeaders(stream.meta) }, stream: sse(stream, body, deps.durable) };
    }
    const result = await deps.chat.complete(principal, gatewayReq);
    await deps.durable?.();
    if (STAGE_TRACE) mark(req.signal, 'gw.return');
    return json(200, completionBody(result), { ...cascadeHeaders(result), 'x-cascade-cost-usd': decimalUsd(result.costUsd) });
  } catch (err) {
    const httpErr = toHttpError(err);
    // A failed request that was recorded names its decision (errorResult); it is on disk first.
    if (httpErr.decisionId) await deps.durable?.();
    return errorResult(httpErr);
  }
}

export function parseMaxCost(v: string | null): number | null {
  if (v === null) return null;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new HttpError(400, 'x-cascade-max-cost-usd must be a non-negative number.', 'invalid_request_error', 'x-cascade-max-cost-usd', 'invalid_request');
  return n;
}

export function cascadeHeaders(meta: Pick<AnswerMeta, 'decisionId' | 'tier' | 'band' | 'cached' | 'escalated'>): Record<string, string> {
  return {
    'x-cascade-decision-id': meta.decisionId,
    'x-cascade-tier': meta.tier ?? '',
    'x-cascade-band': meta.band ?? '',
    'x-cascade-cache': meta.cached ? 'hit' : 'miss',
    'x-cascade-escalated': String(meta.escalated),
  };
}

function completionBody(r: ChatResult) {
  const x = r.extras;
  const calls = x?.toolCalls;
  const message: Record<string, unknown> = { role: 'assistant', content: calls && r.content === '' ? null : r.content, refusal: x?.refusal ?? null };
  if (calls) message.tool_calls = calls;
  // With tool calls the tier's own finish reason ("tool_calls") is what clients branch on.
  const finish = calls && r.finishReason === 'stop' ? 'tool_calls' : r.finishReason === 'error' ? 'stop' : r.finishReason;
  return {
    id: `chatcmpl-${r.decisionId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: r.tier ?? r.model,
    choices: [{ index: 0, message, logprobs: x?.logprobs ?? null, finish_reason: finish }, ...(x?.moreChoices ?? [])],
    usage: r.usage,
    system_fingerprint: x?.systemFingerprint ?? null,
  };
}

export function sseHeaders(): Record<string, string> {
  return { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' };
}

/** OpenAI's chunk stream; a failure after tokens were sent ends with an explicit error event (the SDK throws on it). */
async function* sse(stream: ChatStream, body: ChatCompletionBody, durable?: () => Promise<void>): AsyncGenerator<string> {
  const id = `chatcmpl-${stream.meta.decisionId}`;
  const created = Math.floor(Date.now() / 1000);
  let model = stream.meta.tier ?? stream.meta.model;
  const chunk = (delta: object, finish: string | null, usage?: Usage) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
  let calledTools = false;
  yield chunk({ role: 'assistant', content: '' }, null);
  for await (const ev of stream.events) {
    if (ev.type === 'delta') yield chunk({ content: ev.content }, null);
    else if (ev.type === 'tool_calls') {
      calledTools = true;
      yield chunk({ tool_calls: ev.toolCalls.map((c, index) => ({ index, id: c.id, type: 'function', function: c.function })) }, null);
    }
    else if (ev.type === 'meta' && ev.meta.tier) model = ev.meta.tier;
    else if (ev.type === 'error') {
      yield `data: ${JSON.stringify({ error: { message: ev.message, type: 'server_error', param: null, code: ev.code } })}\n\n`;
      return;
    } else if (ev.type === 'done') {
      yield chunk({}, calledTools && ev.finishReason === 'stop' ? 'tool_calls' : ev.finishReason === 'error' ? 'stop' : ev.finishReason);
      if (body.stream_options?.include_usage) {
        yield `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: ev.usage })}\n\n`;
      }
    }
  }
  // The decision was recorded when the events ended: [DONE] (the answer being complete) waits for it to be on disk.
  await durable?.();
  yield 'data: [DONE]\n\n';
}

/** Plain decimal, no float noise ("0.000010300000000000001") and no exponent ("1e-7"): clients parse it as money. */
export function decimalUsd(x: number): string {
  if (!Number.isFinite(x) || x <= 0) return '0';
  return x.toFixed(10).replace(/\.?0+$/, '') || '0';
}

/** The client's conversation id, when it tags requests with one in metadata. */
function conversationOf(metadata: Record<string, string> | null | undefined): string | undefined {
  const id = metadata?.conversation_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}
