// Parsing POST /v1/chat/completions: the plain request (text messages, the usual scalars) on a
// hand-written fast path, everything else through the full schema (chat-schema.ts), whose errors
// name the parameter. Unknown fields are kept and forwarded to the tier.
import type { ChatMessage, ContentPart } from '../tiers/types';
import { chatCompletionSchema, KNOWN_FIELDS, type ChatCompletionBody, type WireMessage } from './chat-schema';
import { HttpError } from './errors';

export { chatCompletionSchema, type ChatCompletionBody };

export interface ParsedChatRequest {
  body: ChatCompletionBody;
  messages: ChatMessage[];
  /** Request fields the schema does not name, forwarded to the tier unchanged. */
  extra: Record<string, unknown> | undefined;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant']);
const FIELDS = new Set(['model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'n', 'stop', 'response_format', 'user']);
const isNullish = (v: unknown) => v === undefined || v === null;
const positiveInt = (v: unknown) => isNullish(v) || (typeof v === 'number' && Number.isSafeInteger(v) && v > 0);
const inRange = (v: unknown, max: number) => isNullish(v) || (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max);

/**
 * The common request (text messages, the usual scalar parameters) checked by hand: zod's safeParse
 * of the whole body was ~2 % of the hot path's CPU. Returns what the schema would return, or null
 * for anything it is not sure of (response_format, content parts, any invalid value): those go
 * through the schema, so every error message is still zod's.
 */
function fastParse(raw: Record<string, unknown>): ChatCompletionBody | null {
  const { model, messages, stream, stream_options: so, max_tokens, max_completion_tokens, temperature, top_p, n, stop, response_format, user } = raw;
  if (typeof model !== 'string' || model.length === 0 || !Array.isArray(messages) || messages.length === 0) return null;
  const outMessages: WireMessage[] = [];
  for (const m of messages as unknown[]) {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return null;
    const { role, content, name } = m as Record<string, unknown>;
    if (typeof role !== 'string' || !ROLES.has(role) || typeof content !== 'string' || (name !== undefined && typeof name !== 'string')) return null;
    if (role === 'tool' || role === 'function') return null;
    const r = role as 'system' | 'developer' | 'user' | 'assistant';
    outMessages.push(name === undefined ? { role: r, content } : { role: r, content, name });
  }
  if (stream !== undefined && typeof stream !== 'boolean') return null;
  if (!isNullish(so) && (typeof so !== 'object' || Array.isArray(so) || !['undefined', 'boolean'].includes(typeof (so as { include_usage?: unknown }).include_usage))) return null;
  if (!positiveInt(max_tokens) || !positiveInt(max_completion_tokens) || !inRange(temperature, 2) || !inRange(top_p, 1)) return null;
  if (!isNullish(n) && n !== 1) return null;
  if (!isNullish(stop) && typeof stop !== 'string' && !(Array.isArray(stop) && stop.length <= 4 && stop.every((x) => typeof x === 'string'))) return null;
  if (!isNullish(response_format) || (user !== undefined && typeof user !== 'string')) return null;
  for (const k in raw) if (!FIELDS.has(k)) return null; // tools, logprobs, unknown fields: the full schema
  const body = { model, messages: outMessages } as ChatCompletionBody;
  // Keys present in the request stay present (as zod keeps them), absent ones stay absent.
  for (const k in raw) {
    if (k === 'model' || k === 'messages' || !FIELDS.has(k) || raw[k] === undefined) continue;
    (body as Record<string, unknown>)[k] = k === 'stream_options' && so ? pickUsage(so) : k === 'stop' && Array.isArray(stop) ? [...(stop as string[])] : raw[k];
  }
  return body;
}

function pickUsage(so: unknown): { include_usage?: boolean } {
  const v = (so as { include_usage?: boolean }).include_usage;
  return v === undefined ? {} : { include_usage: v };
}

/** Validates and normalizes; throws HttpError(400) naming the offending parameter. */
export function parseChatRequest(raw: unknown): ParsedChatRequest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new HttpError(400, 'Request body must be a JSON object.', undefined, null, 'invalid_request');
  }
  let data = fastParse(raw as Record<string, unknown>);
  if (!data) {
    const parsed = chatCompletionSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const param = issue.path.map(String).join('.') || null;
      const message = param ? `Invalid parameter ${param}: ${issue.message}` : issue.message;
      throw new HttpError(400, message, 'invalid_request_error', param, 'invalid_request');
    }
    data = parsed.data;
  }
  const messages = data.messages.map(toChatMessage);
  if (!messages.some((m) => m.role === 'user')) {
    throw new HttpError(400, 'Invalid parameter messages: at least one user message is required', 'invalid_request_error', 'messages', 'invalid_request');
  }
  // A turn with nothing in it is a client bug; a tool result may be empty, a tool-calling turn has its calls.
  messages.forEach((m, at) => {
    if (m.content.trim() !== '' || m.parts || m.tool_calls || m.role === 'tool' || m.role === 'function') return;
    if (m.role === 'assistant' && (data.messages[at] as { refusal?: unknown; function_call?: unknown }).refusal != null) return;
    throw new HttpError(400, `Invalid parameter messages.${at}.content: content must not be empty`, 'invalid_request_error', `messages.${at}.content`, 'invalid_request');
  });
  let extra: Record<string, unknown> | undefined;
  for (const k in raw as Record<string, unknown>) {
    if (KNOWN_FIELDS.has(k)) continue;
    (extra ??= {})[k] = (raw as Record<string, unknown>)[k];
  }
  return { body: data, messages, extra };
}

function textOf(content: WireMessage['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
}

/** A wire message as the core reads it: its text, and what else it carried for the tier. */
function toChatMessage(m: WireMessage): ChatMessage {
  // "developer" is OpenAI's newer name for the system role.
  const role = m.role === 'developer' ? 'system' : m.role;
  const out: ChatMessage = { role, content: textOf(m.content) };
  if ('name' in m && m.name) out.name = m.name;
  if (Array.isArray(m.content) && m.content.some((p) => p.type !== 'text')) out.parts = m.content as ContentPart[];
  if (m.role === 'assistant' && m.tool_calls?.length) out.tool_calls = m.tool_calls;
  if (m.role === 'tool') out.tool_call_id = m.tool_call_id;
  return out;
}
