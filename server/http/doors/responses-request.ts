// A Responses API request as the gateway's request: the stored conversation of previous_response_id,
// then the new input items, behind the request's own instructions (they do not carry over);
// function tools and text.format as their Chat Completions equivalents.
import type { GatewayRequest } from '../../contracts/chat';
import type { ResponseStore } from '../../contracts/responses';
import type { ChatMessage, ToolDefinition } from '../../tiers/types';
import { HttpError } from '../errors';
import { ItemReader } from './responses-items';
import { RESPONSES_FIELDS, type ResponsesRequest } from './responses-schema';
import { badParam } from './zod-issue';

// Features of OpenAI's own platform that a Chat Completions tier cannot stand in for: refused, not dropped.
const REFUSED: Record<string, string> = { conversation: 'conversations are not served; use previous_response_id', prompt: 'stored prompt templates are not served; send instructions and input' };

export interface ResponsesInput {
  fields: Omit<GatewayRequest, 'model' | 'source'>;
  /** The conversation without the instructions: what the stored response continues from. */
  history: ChatMessage[];
}

export async function responsesGatewayFields(body: ResponsesRequest, raw: Record<string, unknown>, store: ResponseStore, tenant: string): Promise<ResponsesInput> {
  for (const k in REFUSED) if (raw[k] != null) throw badParam(k, REFUSED[k]);
  const history: ChatMessage[] = [];
  if (body.previous_response_id) {
    const prev = await store.load(tenant, body.previous_response_id);
    if (!prev) throw new HttpError(404, `Previous response with id '${body.previous_response_id}' not found.`, 'invalid_request_error', 'previous_response_id', 'not_found');
    history.push(...prev.conversation);
  }
  if (typeof body.input === 'string') history.push({ role: 'user', content: body.input });
  else {
    const reader = new ItemReader(store, tenant);
    for (const [i, it] of body.input.entries()) await reader.add(history, it, `input.${i}`);
  }
  if (!history.some((m) => m.role === 'user')) throw badParam('input', 'the conversation needs at least one user message');
  const messages = body.instructions ? [{ role: 'system' as const, content: body.instructions }, ...history] : history;
  const fields: ResponsesInput['fields'] = { messages, door: 'responses' };
  if (body.max_output_tokens != null) fields.max_tokens = body.max_output_tokens;
  if (body.temperature != null) fields.temperature = body.temperature;
  if (body.top_p != null) fields.top_p = body.top_p;
  if (body.user) fields.user = body.user;
  if (body.seed != null) fields.seed = body.seed;
  if (body.top_logprobs) {
    fields.logprobs = true;
    fields.top_logprobs = body.top_logprobs;
  }
  if (body.tools?.length) {
    fields.tools = body.tools.map((t): ToolDefinition => ({
      type: 'function',
      function: { name: t.name, ...(t.description ? { description: t.description } : {}), ...(t.parameters ? { parameters: t.parameters } : {}), ...(t.strict != null ? { strict: t.strict } : {}) },
    }));
    const c = body.tool_choice;
    if (c) fields.tool_choice = typeof c === 'string' ? c : { type: 'function', function: { name: c.name } };
    if (body.parallel_tool_calls != null) fields.parallel_tool_calls = body.parallel_tool_calls;
  }
  const f = body.text?.format;
  if (f?.type === 'json_schema') fields.response_format = { type: 'json_schema', json_schema: { name: f.name, schema: f.schema, ...(f.description ? { description: f.description } : {}), ...(f.strict != null ? { strict: f.strict } : {}) } };
  else if (f) fields.response_format = { type: f.type };
  let extra: Record<string, unknown> | undefined;
  if (body.reasoning?.effort) extra = { reasoning_effort: body.reasoning.effort };
  if (body.text?.verbosity) (extra ??= {}).verbosity = body.text.verbosity;
  for (const k of ['service_tier', 'prompt_cache_key', 'safety_identifier'] as const) if (body[k] != null) (extra ??= {})[k] = body[k];
  for (const k in raw) if (!RESPONSES_FIELDS.has(k)) (extra ??= {})[k] = raw[k];
  if (extra) fields.extra = extra;
  return { fields, history };
}
