// POST /v1/responses and GET /v1/responses/{id}, OpenAI's Responses API, into the same pipeline as
// Chat Completions (one decision per request). Answers are kept per tenant (unless store: false) so
// that previous_response_id and item references continue a conversation; the store is written
// before the answer (or the stream's response.completed) goes out, so the next request finds it.
import type { ChatService } from '../../contracts/chat';
import type { Principal } from '../../contracts/principal';
import type { ApiKeyVerifier, TierDirectory } from '../../contracts/ports';
import type { ResponseStore } from '../../contracts/responses';
import type { ChatMessage } from '../../tiers/types';
import { resolveKnownModel } from '../../gateway/resolve-model';
import { readJsonBody } from '../body';
import { cascadeHeaders, decimalUsd, parseMaxCost, sseHeaders, type V1Request } from '../chat-completions';
import { HttpError, toHttpError } from '../errors';
import { errorResult, json, type HttpResult } from '../result';
import { authenticateAnyHeader } from './auth';
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
      await deps.responses.save({ id: response.id as string, tenant: principal.tenant, apiKeyId: principal.apiKeyId, conversation: [...history, turn], response: { ...response, store: true } });
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
