// Building request bodies and judging response bodies of the OpenAI chat API: pure functions,
// shared by the non-streaming and streaming calls.
import { TierError } from './errors';
import { estimateUsage } from './tokens';
import type { AnswerExtras, ChatMessage, ChatRequest, TierConfig, ToolCall, Usage } from './types';

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
  extras?: AnswerExtras;
  model: string | null;
  latencyMs: number;
  raw: unknown;
}

/** Largest non-streaming response body we accept (protects memory from a runaway upstream). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A message as the OpenAI wire carries it: content parts when there were any, null content beside tool calls. */
function wireMessage(m: ChatMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { role: m.role, content: m.parts ?? (m.content === '' && m.tool_calls ? null : m.content) };
  if (m.name !== undefined) out.name = m.name;
  if (m.tool_calls) out.tool_calls = m.tool_calls;
  if (m.tool_call_id !== undefined) out.tool_call_id = m.tool_call_id;
  return out;
}

const plainText = (m: ChatMessage) => !m.parts && !m.tool_calls && m.tool_call_id === undefined;

/**
 * The answer length a tier is asked for: the request's max_tokens, never above the tier's cap
 * (capabilities.maxOutputTokens), and the cap itself when the request names none.
 */
export function outputTokenLimit(tier: TierConfig, req: ChatRequest): number | undefined {
  const cap = tier.capabilities?.maxOutputTokens ?? null;
  if (cap === null) return req.max_tokens;
  return req.max_tokens === undefined ? cap : Math.min(req.max_tokens, cap);
}

export function requestBody(tier: TierConfig, req: ChatRequest, stream: boolean): string {
  const { extra, messages, ...fields } = req;
  // Plain-text conversations (most traffic) go out as they are; others in their wire shape.
  const body: Record<string, unknown> = { ...extra, ...fields, messages: messages.every(plainText) ? messages : messages.map(wireMessage), model: tier.model, stream };
  const limit = outputTokenLimit(tier, req);
  if (limit !== undefined) body.max_tokens = limit;
  const cap = tier.capabilities?.maxOutputTokens ?? null;
  if (cap !== null && typeof body.max_completion_tokens === 'number' && body.max_completion_tokens > cap) body.max_completion_tokens = cap;
  if (stream) body.stream_options = { include_usage: true };
  // Fields the admin has this tier drop (a server that refuses them), Cascade's own included.
  const drop = tier.requestFields?.drop;
  if (drop) for (const f of drop) delete body[f];
  return JSON.stringify(body);
}

export function parseUsage(u: unknown): Usage | null {
  if (!u || typeof u !== 'object') return null;
  const o = u as Record<string, unknown>;
  const p = o.prompt_tokens;
  const c = o.completion_tokens;
  if (typeof p !== 'number' || typeof c !== 'number' || !Number.isFinite(p) || !Number.isFinite(c) || p < 0 || c < 0) return null;
  const usage: Usage = { prompt_tokens: p, completion_tokens: c, total_tokens: typeof o.total_tokens === 'number' && Number.isFinite(o.total_tokens) ? o.total_tokens : p + c };
  if (isObject(o.prompt_tokens_details)) usage.prompt_tokens_details = o.prompt_tokens_details;
  if (isObject(o.completion_tokens_details)) usage.completion_tokens_details = o.completion_tokens_details;
  return usage;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Tool calls of a message, kept only when each is a well-formed function call (arguments as text). */
export function parseToolCalls(v: unknown): ToolCall[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const out: ToolCall[] = [];
  for (const c of v) {
    const f = isObject(c) ? c.function : undefined;
    if (!isObject(c) || !isObject(f) || typeof f.name !== 'string') return undefined;
    const args = typeof f.arguments === 'string' ? f.arguments : JSON.stringify(f.arguments ?? {});
    out.push({ id: typeof c.id === 'string' ? c.id : `call_${out.length}`, type: 'function', function: { name: f.name, arguments: args } });
  }
  return out;
}

/** What the client gets back beyond the text: tool calls, refusal, logprobs, more choices, fingerprint. */
export function parseExtras(raw: Record<string, unknown>, choice: Record<string, unknown>, message: Record<string, unknown>): AnswerExtras | undefined {
  const extras: AnswerExtras = {};
  const toolCalls = parseToolCalls(message.tool_calls);
  if (toolCalls) extras.toolCalls = toolCalls;
  if (typeof message.refusal === 'string') extras.refusal = message.refusal;
  if (choice.logprobs != null) extras.logprobs = choice.logprobs;
  const choices = raw.choices as unknown[];
  if (choices.length > 1) extras.moreChoices = choices.slice(1);
  if (typeof raw.system_fingerprint === 'string') extras.systemFingerprint = raw.system_fingerprint;
  // vLLM: the matched stop string (a number is a stop token id, which no client named as text).
  if (typeof choice.stop_reason === 'string') extras.matchedStop = choice.stop_reason;
  return Object.keys(extras).length > 0 ? extras : undefined;
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
  const message = choice?.message as Record<string, unknown> | undefined;
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
    extras: parseExtras(raw as Record<string, unknown>, choice, message),
    model: typeof model === 'string' ? model : null,
    latencyMs,
    raw,
  };
}

