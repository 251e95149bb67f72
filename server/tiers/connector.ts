// OpenAI-compatible client for one TierConfig: chat (non-streaming), chatStream (stream.ts),
// listModels, health. Every failure is a TierError with a kind; nothing here retries — TierClient
// (client.ts) adds retry, circuit breaker and admission on top.
import { TierError } from './errors';
import { CallGuard, endpoint, headers, httpError, readTextCapped, rootUrl } from './http';
import { MAX_BODY_BYTES, parseCompletion, requestBody, type CallOptions, type ChatResult } from './parse';
import { discard, send, type UpstreamResponse } from './transport';
import type { ChatRequest, TierConfig } from './types';

export { chatStream } from './stream';
export type { ChatStreamChunk, StreamOptions } from './stream';
export type { CallOptions, ChatResult } from './parse';
export { TierError, isTierError } from './errors';
export type { TierErrorKind } from './errors';

export async function chat(tier: TierConfig, req: ChatRequest, opts: CallOptions = {}): Promise<ChatResult> {
  const started = performance.now();
  const guard = new CallGuard(tier.name, opts.signal);
  const timeoutMs = opts.timeoutMs ?? tier.timeoutMs;
  guard.arm('total', timeoutMs, 'no complete answer within the timeout');
  try {
    let res: UpstreamResponse;
    try {
      res = await send(endpoint(tier, 'chat/completions'), {
        method: 'POST',
        headers: { ...headers(tier, true), 'content-type': 'application/json' },
        body: requestBody(tier, req, false),
        signal: guard.signal,
      });
    } catch (err) {
      throw guard.explain(err, 'network', 'request failed');
    }
    if (!res.ok) throw await httpError(tier.name, res, guard);
    let text: string;
    try {
      text = await readTextCapped(res, MAX_BODY_BYTES, guard);
    } catch (err) {
      throw guard.explain(err, 'network', 'response body unreadable');
    }
    return parseCompletion(tier, req, text, performance.now() - started);
  } finally {
    guard.dispose();
  }
}

export async function listModels(tier: TierConfig, opts: CallOptions = {}): Promise<string[]> {
  const guard = new CallGuard(tier.name, opts.signal);
  guard.arm('total', opts.timeoutMs ?? Math.min(tier.timeoutMs, 10_000), 'no model list within the timeout');
  try {
    let res: UpstreamResponse;
    try {
      res = await send(endpoint(tier, 'models'), { headers: headers(tier, true), signal: guard.signal });
    } catch (err) {
      throw guard.explain(err, 'network', 'request failed');
    }
    if (!res.ok) throw await httpError(tier.name, res, guard);
    const text = await readTextCapped(res, 4 * 1024 * 1024, guard).catch((err: unknown) => {
      throw guard.explain(err, 'network', 'response body unreadable');
    });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TierError('bad_response', `${tier.name}: /models is not JSON`, { tier: tier.name });
    }
    const data = (body as { data?: unknown }).data;
    if (!Array.isArray(data)) throw new TierError('bad_response', `${tier.name}: /models has no data array`, { tier: tier.name });
    return data.map((m) => (m as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string');
  } finally {
    guard.dispose();
  }
}

export interface HealthResult {
  ok: boolean;
  latencyMs: number;
  /** Where health was judged: the server's /health, or /models when there is none (OpenAI). */
  via: 'health' | 'models';
  error?: string;
  /** The tier's model is not among the served ones (a misconfiguration worth showing). */
  modelMissing?: boolean;
}

/** Cheap liveness: GET {root}/health (vLLM, SGLang, TGI, our simulator), else GET /models. */
export async function health(tier: TierConfig, opts: CallOptions = {}): Promise<HealthResult> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? Math.min(tier.timeoutMs, 5_000);
  const guard = new CallGuard(tier.name, opts.signal);
  guard.arm('total', timeoutMs, 'health check timed out');
  try {
    const res = await send(`${rootUrl(tier)}/health`, { headers: headers(tier, true), signal: guard.signal });
    discard(res);
    if (res.ok) return { ok: true, via: 'health', latencyMs: performance.now() - started };
    if (res.status !== 404 && res.status !== 401 && res.status !== 403) {
      return { ok: false, via: 'health', latencyMs: performance.now() - started, error: `HTTP ${res.status}` };
    }
  } catch (err) {
    const e = guard.explain(err, 'network', 'health check failed');
    return { ok: false, via: 'health', latencyMs: performance.now() - started, error: e.message };
  } finally {
    guard.dispose();
  }
  try {
    const models = await listModels(tier, { signal: opts.signal, timeoutMs });
    return { ok: true, via: 'models', latencyMs: performance.now() - started, modelMissing: !models.includes(tier.model) };
  } catch (err) {
    return { ok: false, via: 'models', latencyMs: performance.now() - started, error: (err as Error).message };
  }
}
