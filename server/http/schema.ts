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

/** Validates and normalizes; throws HttpError(400) naming the offending parameter. */
export function parseChatRequest(raw: unknown): ParsedChatRequest {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new HttpError(400, 'Request body must be a JSON object.', undefined, null, 'invalid_request');
  }
  const parsed = chatCompletionSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue.path.map(String).join('.') || null;
    const message = param ? `Invalid parameter ${param}: ${issue.message}` : issue.message;
    throw new HttpError(400, message, 'invalid_request_error', param, 'invalid_request');
  }
  const messages: ChatMessage[] = parsed.data.messages.map((m, i) => {
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
  return { body: parsed.data, messages };
}
