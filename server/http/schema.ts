// The accepted shape of POST /v1/chat/completions. Unknown OpenAI parameters are ignored (clients send
// many); the ones Cascade uses are type-checked, and every message must carry text.
import { z } from 'zod';
import type { ChatMessage } from '../tiers/types';
import { HttpError } from './errors';

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const content = z.union([z.string(), z.array(textPart).min(1, 'content parts must not be empty')], {
  error: 'content must be a string or an array of text parts',
});

const message = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool'], { error: 'role must be one of system, developer, user, assistant, tool' }),
  content,
  name: z.string().optional(),
});

export const chatCompletionSchema = z.object({
  model: z.string({ error: 'model is required (use "auto" to let Cascade route)' }).min(1, 'model must not be empty'),
  messages: z.array(message, { error: 'messages is required and must be an array' }).min(1, 'messages must contain at least one message'),
  stream: z.boolean().optional(),
  stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.literal(1, { error: 'only n = 1 is supported' }).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  response_format: z
    .object({ type: z.enum(['text', 'json_object', 'json_schema']), json_schema: z.unknown().optional() })
    .nullish(),
  user: z.string().optional(),
});

export type ChatCompletionBody = z.infer<typeof chatCompletionSchema>;

export interface ParsedChatRequest {
  body: ChatCompletionBody;
  messages: ChatMessage[];
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
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
  const outMessages: ChatCompletionBody['messages'] = [];
  for (const m of messages as unknown[]) {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return null;
    const { role, content, name } = m as Record<string, unknown>;
    if (typeof role !== 'string' || !ROLES.has(role) || typeof content !== 'string' || (name !== undefined && typeof name !== 'string')) return null;
    const r = role as ChatCompletionBody['messages'][number]['role'];
    outMessages.push(name === undefined ? { role: r, content } : { role: r, content, name });
  }
  if (stream !== undefined && typeof stream !== 'boolean') return null;
  if (!isNullish(so) && (typeof so !== 'object' || Array.isArray(so) || !['undefined', 'boolean'].includes(typeof (so as { include_usage?: unknown }).include_usage))) return null;
  if (!positiveInt(max_tokens) || !positiveInt(max_completion_tokens) || !inRange(temperature, 2) || !inRange(top_p, 1)) return null;
  if (!isNullish(n) && n !== 1) return null;
  if (!isNullish(stop) && typeof stop !== 'string' && !(Array.isArray(stop) && stop.length <= 4 && stop.every((x) => typeof x === 'string'))) return null;
  if (!isNullish(response_format) || (user !== undefined && typeof user !== 'string')) return null;
  const body: ChatCompletionBody = { model, messages: outMessages };
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
  const messages: ChatMessage[] = data.messages.map((m, i) => {
    const text = typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join('\n');
    if (text.trim() === '') {
      throw new HttpError(400, `Invalid parameter messages.${i}.content: content must not be empty`, 'invalid_request_error', `messages.${i}.content`, 'invalid_request');
    }
    // "developer" is OpenAI's newer name for the system role.
    const role = m.role === 'developer' ? 'system' : m.role;
    return m.name ? { role, content: text, name: m.name } : { role, content: text };
  });
  if (!messages.some((m) => m.role === 'user')) {
    throw new HttpError(400, 'Invalid parameter messages: at least one user message is required', 'invalid_request_error', 'messages', 'invalid_request');
  }
  return { body: data, messages };
}
