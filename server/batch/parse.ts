// Batch input: JSON Lines (HTTP) or an array of already-parsed lines (tRPC). Every line is checked on
// its own, so a malformed line becomes its own error and the rest of the job still runs.
// Accepted per line: {"prompt": "..."} or {"messages": [...]} with optional chat options
// (model, max_tokens, temperature, top_p, stop, response_format, custom_id), or OpenAI's batch
// format {"custom_id", "method": "POST", "url": "/v1/chat/completions", "body": {...}}.
import { resolveModel } from '../gateway/resolve-model';
import { DomainError } from '../lib/errors';
import { z } from 'zod';
import type { BatchRequest, ParsedLine } from './types';

export const MAX_LINES = 50_000;
export const MAX_LINE_CHARS = 1_000_000;
const RAW_KEPT = 200;

const message = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
  name: z.string().max(200).optional(),
});

const options = {
  model: z.string().min(1).max(200).optional(),
  max_tokens: z.number().int().min(1).max(1_000_000).optional(),
  max_completion_tokens: z.number().int().min(1).max(1_000_000).optional(),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
  response_format: z.object({ type: z.enum(['text', 'json_object', 'json_schema']), json_schema: z.unknown().optional() }).optional(),
  user: z.string().max(200).optional(),
  custom_id: z.string().max(200).optional(),
};

// Two schemas picked by key rather than a union, so an error names the field that is wrong.
const promptBody = z.object({ prompt: z.string().trim().min(1, 'must not be empty'), system: z.string().optional(), ...options });
const messagesBody = z.object({ messages: z.array(message).min(1, 'must not be empty').max(1000), ...options });

const openAiBatch = z.object({ custom_id: z.string().max(200).optional(), method: z.string().optional(), url: z.string().optional(), body: z.record(z.string(), z.unknown()) });

function describe(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** One parsed JSON value to a request, or a readable error. */
export function toRequest(value: unknown): { request: BatchRequest } | { error: string } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'a line must be a JSON object' };
  let v = value as Record<string, unknown>;
  let customId: string | undefined;
  if ('body' in v && !('messages' in v) && !('prompt' in v)) {
    const b = openAiBatch.safeParse(v);
    if (!b.success) return { error: describe(b.error) };
    if (b.data.url && !/\/chat\/completions$/.test(b.data.url)) return { error: `url ${JSON.stringify(b.data.url)} is not supported; only /v1/chat/completions` };
    customId = b.data.custom_id;
    v = b.data.body;
  }
  if (!('prompt' in v) && !('messages' in v)) return { error: 'needs a non-empty "prompt" string or "messages" array' };
  const p = 'messages' in v ? messagesBody.safeParse(v) : promptBody.safeParse(v);
  if (!p.success) return { error: describe(p.error) };
  const d = p.data;
  const messages = 'messages' in d ? d.messages : [...(d.system ? [{ role: 'system' as const, content: d.system }] : []), { role: 'user' as const, content: d.prompt }];
  if (!messages.some((m) => m.role === 'user' && m.content.trim() !== '')) return { error: 'messages: needs a non-empty user message' };
  const request: BatchRequest = {
    model: resolveModel(d.model),
    messages,
    max_tokens: d.max_completion_tokens ?? d.max_tokens,
    temperature: d.temperature,
    top_p: d.top_p,
    stop: d.stop,
    response_format: d.response_format,
    user: d.user,
  };
  const id = customId ?? d.custom_id;
  if (id !== undefined) request.customId = id;
  // undefined options are dropped so the stored JSON stays small
  return { request: JSON.parse(JSON.stringify(request)) as BatchRequest };
}

function tooMany(n: number): Error {
  return new DomainError('invalid_request', `A batch holds at most ${MAX_LINES} requests; this one has ${n}.`);
}

function bad(line: number, error: string, raw: string): ParsedLine {
  return { line, request: null, error, raw: raw.slice(0, RAW_KEPT) };
}

function fromText(line: number, raw: string): ParsedLine {
  if (raw.length > MAX_LINE_CHARS) return bad(line, `line is longer than ${MAX_LINE_CHARS} characters`, raw);
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    return bad(line, `not valid JSON (${err instanceof Error ? err.message : 'parse error'})`, raw);
  }
  const r = toRequest(v);
  return 'error' in r ? bad(line, r.error, raw) : { line, request: r.request, error: null };
}

/** JSON Lines text; blank lines are skipped but keep the numbering of the file. */
export function parseJsonl(text: string): ParsedLine[] {
  const out: ParsedLine[] = [];
  const rows = text.split(/\r?\n/);
  for (let i = 0; i < rows.length; i++) {
    if (!rows[i].trim()) continue;
    if (out.length >= MAX_LINES) throw tooMany(rows.filter((r) => r.trim()).length);
    out.push(fromText(i + 1, rows[i]));
  }
  return out;
}

/** Lines already split by the client: each a JSON value, or a string holding one JSON line. */
export function parseLines(values: readonly unknown[]): ParsedLine[] {
  if (values.length > MAX_LINES) throw tooMany(values.length);
  return values.map((v, i) => {
    if (typeof v === 'string') return fromText(i + 1, v);
    const r = toRequest(v);
    return 'error' in r ? bad(i + 1, r.error, safeJson(v)) : { line: i + 1, request: r.request, error: null };
  });
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
