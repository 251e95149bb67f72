// Streaming chat completions. The stream is judged strictly: it succeeds only with `data: [DONE]`
// or a finish_reason; EOF or a broken socket before that is a `stream_cut` (never a silently
// truncated success). Limits: time to first token (tier.timeoutMs), the gap between events after
// that (idle), a whole-stream cap, and a token cap that stops endless streams deterministically. A
// tier's own output cap (capabilities.maxOutputTokens) ends a stream that goes past it cleanly, with
// finish_reason "length" as an upstream honouring max_tokens would, and drops the connection.
import { TierError } from './errors';
import { CallGuard, endpoint, headers, httpError, readTextCapped } from './http';
import { MAX_BODY_BYTES, outputTokenLimit, parseCompletion, parseLogprobs, parseUsage, requestBody, type CallOptions } from './parse';
import { SseParser } from './sse';
import { estimateUsage } from './tokens';
import { send, type UpstreamResponse } from './transport';
import type { ChatRequest, TierConfig, ToolCallDelta, Usage } from './types';

export interface StreamOptions extends CallOptions {
  /** Longest silence between stream events once the first token arrived. Default min(timeoutMs, 30 s). */
  idleTimeoutMs?: number;
  /** Cap on the whole stream. Default 10 × timeoutMs, at most 10 minutes. */
  streamTimeoutMs?: number;
}

export interface ChatStreamChunk {
  /** New content text (empty on the final chunk). */
  delta: string;
  /** Present only on the final chunk, which always comes last and always carries usage. */
  finishReason?: string | null;
  usage?: Usage;
  usageEstimated?: boolean;
  logprobs?: number[];
  /** Tool-call fragments (OpenAI's delta.tool_calls); never user-visible text. */
  toolCallDeltas?: ToolCallDelta[];
  /** On the final chunk: the stop string that ended the answer (vLLM's stop_reason), when said. */
  matchedStop?: string;
}

/**
 * delta.tool_calls as fragments. vLLM streams them like OpenAI (index, then id/name once, then
 * argument text); Ollama sends each call whole in one chunk, sometimes without an index and with
 * arguments as an object. Both read the same here.
 */
export function parseToolCallDeltas(v: unknown): ToolCallDelta[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const out: ToolCallDelta[] = [];
  v.forEach((c, i) => {
    if (!c || typeof c !== 'object') return;
    const o = c as { index?: unknown; id?: unknown; function?: { name?: unknown; arguments?: unknown } };
    const d: ToolCallDelta = { index: typeof o.index === 'number' && Number.isInteger(o.index) && o.index >= 0 ? o.index : i };
    if (typeof o.id === 'string' && o.id) d.id = o.id;
    if (typeof o.function?.name === 'string' && o.function.name) d.name = o.function.name;
    const args = o.function?.arguments;
    if (typeof args === 'string') d.arguments = args;
    else if (args && typeof args === 'object') d.arguments = JSON.stringify(args);
    out.push(d);
  });
  return out.length ? out : undefined;
}

/** Unparseable events tolerated before the stream is called garbage. */
const MAX_GARBAGE_EVENTS = 3;
const MAX_STREAM_CHARS = 4 * 1024 * 1024;

export async function* chatStream(tier: TierConfig, req: ChatRequest, opts: StreamOptions = {}): AsyncGenerator<ChatStreamChunk> {
  const name = tier.name;
  const guard = new CallGuard(name, opts.signal);
  const firstMs = opts.timeoutMs ?? tier.timeoutMs;
  const idleMs = opts.idleTimeoutMs ?? Math.min(firstMs, 30_000);
  const totalMs = opts.streamTimeoutMs ?? Math.min(firstMs * 10, 600_000);
  // Upstreams send about one token per event; twice the requested cap means it is not stopping.
  const maxEvents = (req.max_tokens ?? 32_768) * 2 + 16;
  const tierCap = tier.capabilities?.maxOutputTokens ?? null;
  const outputLimit = tierCap === null ? null : outputTokenLimit(tier, req)!;
  let emitted = 0;
  let finished = false;
  /** Ended here at the tier's output cap: the upstream is still sending and must be hung up on. */
  let capped = false;
  guard.arm('first', firstMs, 'no first token within the timeout');
  guard.arm('total', totalMs, 'stream did not finish within the stream timeout', () => emitted);
  try {
    let res: UpstreamResponse;
    try {
      res = await send(endpoint(tier, 'chat/completions'), {
        method: 'POST',
        headers: { ...headers(tier, false), 'content-type': 'application/json' },
        body: requestBody(tier, req, true),
        signal: guard.signal,
      });
    } catch (err) {
      throw guard.explain(err, 'network', 'request failed');
    }
    if (!res.ok) throw await httpError(name, res, guard);

    // A server that ignores stream:true answers with one JSON completion: accept it as a one-chunk stream.
    if ((res.header('content-type') ?? '').includes('application/json')) {
      const text = await readTextCapped(res, MAX_BODY_BYTES, guard).catch((err: unknown) => {
        throw guard.explain(err, 'network', 'response body unreadable');
      });
      const r = parseCompletion(tier, req, text, 0);
      finished = true;
      if (r.content) yield { delta: r.content, logprobs: r.logprobs };
      const calls = r.extras?.toolCalls;
      if (calls) yield { delta: '', toolCallDeltas: calls.map((c, index) => ({ index, id: c.id, name: c.function.name, arguments: c.function.arguments })) };
      yield { delta: '', finishReason: r.finishReason, usage: r.usage, usageEstimated: r.usageEstimated, ...(r.extras?.matchedStop ? { matchedStop: r.extras.matchedStop } : {}) };
      return;
    }

    const parser = new SseParser();
    const reader: AsyncIterator<Buffer> = res.body[Symbol.asyncIterator]();
    let done = false;
    let finishReason: string | null = null;
    let matchedStop: string | undefined;
    let usage: Usage | null = null;
    let content = '';
    let events = 0;
    let valid = 0;
    let garbage = 0;

    const fail = (kind: 'bad_response' | 'stream_cut', why: string) =>
      new TierError(kind, `${name}: ${why}`, { tier: name, emittedTokens: emitted });

    while (!done) {
      let chunk: IteratorResult<Buffer>;
      try {
        chunk = await guard.read(reader.next());
      } catch (err) {
        if (finishReason != null) break; // the answer was complete; only the goodbye was lost
        throw guard.explain(err, 'stream_cut', 'stream broke', emitted);
      }
      let parsed;
      try {
        parsed = chunk.done ? parser.end() : parser.push(chunk.value);
      } catch (err) {
        throw fail('bad_response', (err as Error).message);
      }
      for (const ev of parsed) {
        if (ev.data.trim() === '[DONE]') {
          done = true;
          break;
        }
        let obj: Record<string, unknown>;
        try {
          obj = JSON.parse(ev.data) as Record<string, unknown>;
          if (!obj || typeof obj !== 'object') throw new Error('not an object');
        } catch {
          if (++garbage > MAX_GARBAGE_EVENTS) throw fail('bad_response', `stream data is not JSON: ${JSON.stringify(ev.data.slice(0, 80))}`);
          continue;
        }
        if (obj.error) {
          const e = obj.error as { message?: unknown } | string;
          const msg = typeof e === 'string' ? e : typeof e.message === 'string' ? e.message : 'error event';
          throw new TierError(emitted > 0 ? 'stream_cut' : 'http_5xx', `${name}: upstream error in stream: ${msg}`, { tier: name, emittedTokens: emitted });
        }
        valid++;
        usage = parseUsage(obj.usage) ?? usage;
        const choice = (obj.choices as unknown[] | undefined)?.[0] as Record<string, unknown> | undefined;
        if (!choice) continue;
        const toolCallDeltas = parseToolCallDeltas((choice.delta as { tool_calls?: unknown } | undefined)?.tool_calls);
        if (toolCallDeltas) {
          if (++events > maxEvents) throw fail('bad_response', `stream does not stop (over ${maxEvents} events)`);
          emitted++;
          guard.disarm('first');
          guard.disarm('idle');
          yield { delta: '', toolCallDeltas };
        }
        const delta = (choice.delta as { content?: unknown } | undefined)?.content;
        if (typeof delta === 'string' && delta.length > 0) {
          if (++events > maxEvents || content.length + delta.length > MAX_STREAM_CHARS) {
            throw fail('bad_response', `stream does not stop (over ${maxEvents} tokens)`);
          }
          content += delta;
          emitted++;
          guard.disarm('first');
          // A slow consumer is not a silent upstream: the idle clock runs only while we wait to read.
          guard.disarm('idle');
          yield { delta, logprobs: parseLogprobs(choice.logprobs) };
        }
        // Tokens counted as events, or as ~4 characters each when an upstream packs several in one.
        if (outputLimit !== null && typeof choice.finish_reason !== 'string' && Math.max(events, Math.ceil(content.length / 4)) >= outputLimit) {
          finishReason = 'length';
          capped = true;
          done = true;
          break;
        }
        if (typeof choice.finish_reason === 'string') {
          finishReason = choice.finish_reason;
          if (typeof choice.stop_reason === 'string') matchedStop = choice.stop_reason;
          guard.disarm('first');
        }
        if (emitted > 0 || finishReason != null) guard.arm('idle', idleMs, 'stream went silent', () => emitted);
      }
      if (chunk.done) break;
    }
    if (!done && finishReason == null) {
      throw fail('stream_cut', `stream ended after ${emitted} tokens without finish_reason or [DONE]`);
    }
    if (valid === 0) throw fail('bad_response', 'stream carried no completion chunks');
    finished = true;
    yield {
      delta: '',
      finishReason,
      usage: usage ?? estimateUsage(req.messages, content),
      usageEstimated: usage == null,
      ...(matchedStop !== undefined ? { matchedStop } : {}),
    };
  } finally {
    guard.dispose();
    // Consumer stopped early or we failed: drop the connection rather than drain an unwanted stream.
    if ((!finished || capped) && !guard.signal.aborted) guard.controller.abort(new TierError('cancelled', `${name}: stream abandoned`, { tier: name }));
  }
}
