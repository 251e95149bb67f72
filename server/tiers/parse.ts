// Building request bodies and judging response bodies of the OpenAI chat API: pure functions,
// shared by the non-streaming and streaming calls.
import { TierError } from './errors';
import { estimateUsage } from './tokens';
import type { ChatRequest, TierConfig, Usage } from './types';

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides tier.timeoutMs for this call (whole call for chat, time to first token for streams). */
  timeoutMs?: number;
}

export interface ChatResult {
  content: string;
  /** 'stop' | 'length' | 'content_filter' | 'tool_calls' | null when the upstream did not say. */
  finishReason: string | null;
  usage: Usage;
  /** True when the upstream sent no usage and the token counts are our estimate. */
  usageEstimated: boolean;
  /** Per-token log-probabilities when requested and returned. */
  logprobs?: number[];
  model: string | null;
  latencyMs: number;
  raw: unknown;
}

/** Largest non-streaming response body we accept (protects memory from a runaway upstream). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export function requestBody(tier: TierConfig, req: ChatRequest, stream: boolean): string {
  const body: Record<string, unknown> = { ...req, model: tier.model, stream };
  if (stream) body.stream_options = { include_usage: true };
  return JSON.stringify(body);
}

export function parseUsage(u: unknown): Usage | null {
  if (!u || typeof u !== 'object') return null;
  const o = u as Record<string, unknown>;
  const p = o.prompt_tokens;
  const c = o.completion_tokens;
  if (typeof p !== 'number' || typeof c !== 'number' || !Number.isFinite(p) || !Number.isFinite(c) || p < 0 || c < 0) return null;
  return { prompt_tokens: p, completion_tokens: c, total_tokens: typeof o.total_tokens === 'number' && Number.isFinite(o.total_tokens) ? o.total_tokens : p + c };
}

/** OpenAI's `choices[i].logprobs.content[j].logprob` as a flat array; anything else is ignored. */
export function parseLogprobs(lp: unknown): number[] | undefined {
  const content = (lp as { content?: unknown } | null | undefined)?.content;
  if (!Array.isArray(content)) return undefined;
  const out: number[] = [];
  for (const t of content) {
    const v = (t as { logprob?: unknown } | null)?.logprob;
    if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
  }
  return out;
}

/** Validates an OpenAI chat.completion body; a wrong shape is a bad_response, never a crash. */
export function parseCompletion(tier: TierConfig, req: ChatRequest, text: string, latencyMs: number): ChatResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new TierError('bad_response', `${tier.name}: response is not JSON: ${JSON.stringify(text.slice(0, 80))}`, { tier: tier.name });
  }
  const choice = (raw as { choices?: unknown[] } | null)?.choices?.[0] as Record<string, unknown> | undefined;
  const message = choice?.message as { content?: unknown } | undefined;
  if (!choice || typeof choice !== 'object' || !message || typeof message !== 'object') {
    throw new TierError('bad_response', `${tier.name}: response has no choices[0].message`, { tier: tier.name });
  }
  if (message.content != null && typeof message.content !== 'string') {
    throw new TierError('bad_response', `${tier.name}: choices[0].message.content is not a string`, { tier: tier.name });
  }
  const content = (message.content as string | null | undefined) ?? '';
  const usage = parseUsage((raw as { usage?: unknown }).usage);
  const model = (raw as { model?: unknown }).model;
  return {
    content,
    finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : null,
    usage: usage ?? estimateUsage(req.messages, content),
    usageEstimated: usage == null,
    logprobs: parseLogprobs(choice.logprobs),
    model: typeof model === 'string' ? model : null,
    latencyMs,
    raw,
  };
}

