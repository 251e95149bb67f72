// POST /v1/responses, GET and DELETE /v1/responses/{id} and GET /v1/responses/{id}/input_items,
// OpenAI's Responses API, into the same pipeline as
// Chat Completions (one decision per request). Answers are kept per tenant (unless store: false) so
// that previous_response_id and item references continue a conversation; the store is written
// before the answer (or the stream's response.completed) goes out, so the next request finds it.
import type { ChatService } from '../../contracts/chat';
import type { Principal } from '../../contracts/principal';
import type { ApiKeyVerifier, TierDirectory } from '../../contracts/ports';
import type { ResponseStore, StoredResponse } from '../../contracts/responses';
import type { ChatMessage } from '../../tiers/types';
import { resolveKnownModel } from '../../gateway/resolve-model';
import { readJsonBody } from '../body';
import { cascadeHeaders, decimalUsd, parseMaxCost, sseHeaders, type V1Request } from '../chat-completions';
import { HttpError, toHttpError } from '../errors';
import { errorResult, json, type HttpResult } from '../result';
import { authenticateAnyHeader } from './auth';
import { inputItems } from './responses-items';
import { responsesGatewayFields } from './responses-request';
import { responsesRequestSchema, type ResponsesRequest } from './responses-schema';
import { outputItems, responseObject } from './responses-shape';
import { responsesStream, type Keep } from './responses-stream';
import { parseOr400 } from './zod-issue';

export interface ResponsesDeps {
  chat: ChatService;
  tiers: TierDirectory;
  apiKeys: ApiKeyVerifier;
  responses: ResponseStore;
  maxBodyBytes: number;
}

function keeper(deps: ResponsesDeps, principal: Principal, body: ResponsesRequest, history: ChatMessage[]): Keep {
  return async (decisionId, response, content, calls) => {
    if (body.store === false) return false;
    const turn: ChatMessage = { role: 'assistant', content, ...(calls.length ? { tool_calls: calls } : {}) };
    try {
      const id = response.id as string;
      await deps.responses.save({ id, tenant: principal.tenant, apiKeyId: principal.apiKeyId, conversation: [...history, turn], response: { ...response, store: true }, input: inputItems(body.input, id) });
      return true;
    } catch {
      // The answer was paid for and recorded: it is returned, marked store: false, rather than lost.
      return false;
    }
  };
}

export async function postResponses(deps: ResponsesDeps, call: V1Request): Promise<HttpResult> {
  try {
    const principal = await authenticateAnyHeader(deps.apiKeys, call.header);
    const raw = await readJsonBody(call.body, deps.maxBodyBytes, call.header('content-length'));
    const body = parseOr400(responsesRequestSchema, raw);
    const model = resolveKnownModel(deps.tiers, body.model);
    const { fields, history } = await responsesGatewayFields(body, raw as Record<string, unknown>, deps.responses, principal.tenant);
    const req = { model, ...fields, source: 'api' as const, maxCostUsd: parseMaxCost(call.header('x-cascade-max-cost-usd')), signal: call.signal };
    const keep = keeper(deps, principal, body, history);
    const createdAt = Math.floor(Date.now() / 1000);
    if (body.stream) {
      const stream = await deps.chat.stream(principal, req);
      return { status: 200, headers: { ...sseHeaders(), ...cascadeHeaders(stream.meta) }, stream: responsesStream(stream, body, createdAt, keep) };
    }
    const r = await deps.chat.complete(principal, req);
    const calls = r.extras?.toolCalls ?? [];
    const output = outputItems(r.decisionId, r.content, calls, r.extras?.refusal);
    const response = responseObject(body, r, createdAt, { output, finishReason: r.finishReason, usage: r.usage, stored: false });
    response.store = await keep(r.decisionId, response, r.content, calls);
    return json(200, response, { ...cascadeHeaders(r), 'x-cascade-cost-usd': decimalUsd(r.costUsd) });
  } catch (err) {
    return errorResult(toHttpError(err));
  }
}

export async function deleteResponse(deps: Pick<ResponsesDeps, 'apiKeys' | 'responses'>, call: V1Request, id: string): Promise<HttpResult> {
  try {
    const principal = await authenticateAnyHeader(deps.apiKeys, call.header);
    if (!(await deps.responses.delete(principal.tenant, id))) throw new HttpError(404, `Response with id '${id}' not found.`, 'invalid_request_error', null, 'not_found');
    return json(200, { id, object: 'response', deleted: true });
  } catch (err) {
    return errorResult(toHttpError(err));
  }
}

export async function getResponse(deps: Pick<ResponsesDeps, 'apiKeys' | 'responses'>, call: V1Request, id: string): Promise<HttpResult> {
  try {
    const principal = await authenticateAnyHeader(deps.apiKeys, call.header);
    const stored = await deps.responses.load(principal.tenant, id);
    if (!stored) throw new HttpError(404, `Response with id '${id}' not found.`, 'invalid_request_error', null, 'not_found');
    return json(200, stored.response);
  } catch (err) {
    return errorResult(toHttpError(err));
  }
}

/** GET /v1/responses/{id}/input_items: OpenAI's cursor page (limit 1-100, default 20; order desc by default; after an item id) over the whole conversation the response continued. */
export async function listInputItems(deps: Pick<ResponsesDeps, 'apiKeys' | 'responses'>, call: V1Request & { query: URLSearchParams }, id: string): Promise<HttpResult> {
  try {
    const principal = await authenticateAnyHeader(deps.apiKeys, call.header);
    const limitText = call.query.get('limit');
    const limit = limitText === null ? 20 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new HttpError(400, 'limit must be an integer from 1 to 100.', 'invalid_request_error', 'limit', 'invalid_request');
    const order = call.query.get('order') ?? 'desc';
    if (order !== 'asc' && order !== 'desc') throw new HttpError(400, "order must be 'asc' or 'desc'.", 'invalid_request_error', 'order', 'invalid_request');
    const stored = await deps.responses.load(principal.tenant, id);
    if (!stored) throw new HttpError(404, `Response with id '${id}' not found.`, 'invalid_request_error', null, 'not_found');
    const chain = await conversationItems(deps.responses, principal.tenant, stored);
    const items = order === 'asc' ? chain : chain.reverse();
    const after = call.query.get('after');
    let start = 0;
    if (after) {
      const at = items.findIndex((it) => it.id === after);
      if (at < 0) throw new HttpError(400, `No input item of this response has the id '${after}'.`, 'invalid_request_error', 'after', 'invalid_request');
      start = at + 1;
    }
    const data = items.slice(start, start + limit);
    return json(200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + limit < items.length });
  } catch (err) {
    return errorResult(toHttpError(err));
  }
}

/** How many earlier responses of a previous_response_id chain the input_items list walks back through. */
const INPUT_ITEMS_CHAIN_LIMIT = 500;

/**
 * The input items a response was generated from, oldest first: for a response that continued
 * another (previous_response_id), the earlier turns' inputs and outputs come first, as OpenAI lists
 * them. Read by walking the chain, so each stored response keeps only its own input; the walk
 * stops at a response that expired or was deleted, and after INPUT_ITEMS_CHAIN_LIMIT responses.
 */
async function conversationItems(store: ResponseStore, tenant: string, last: StoredResponse): Promise<Record<string, unknown>[]> {
  const turns: Record<string, unknown>[][] = [last.input];
  const seen = new Set([last.id]);
  let prevId = last.response.previous_response_id;
  while (typeof prevId === 'string' && !seen.has(prevId) && seen.size <= INPUT_ITEMS_CHAIN_LIMIT) {
    seen.add(prevId);
    const prev = await store.load(tenant, prevId);
    if (!prev) break;
    const output = Array.isArray(prev.response.output) ? (prev.response.output as Record<string, unknown>[]) : [];
    turns.push(output, prev.input);
    prevId = prev.response.previous_response_id;
  }
  return turns.reverse().flat();
}
