// POST /v1/messages, Anthropic's Messages API, into the same pipeline as Chat Completions: one
// decision per request, any tier answers. Thin: authenticate (x-api-key or Bearer), parse, resolve
// the model, call the gateway, shape Anthropic's message (or its event stream). Nothing reaches the
// gateway before the request is valid, so a rejected request records nothing.
import type { ChatService } from '../../contracts/chat';
import type { ApiKeyVerifier, TierDirectory } from '../../contracts/ports';
import { resolveKnownModel } from '../../gateway/resolve-model';
import { readJsonBody } from '../body';
import { cascadeHeaders, decimalUsd, parseMaxCost, sseHeaders, type V1Request } from '../chat-completions';
import { json, type HttpResult } from '../result';
import { anthropicError } from './anthropic-errors';
import { authenticateAnyHeader } from './auth';
import { messagesGatewayFields } from './messages-request';
import { messagesRequestSchema } from './messages-schema';
import { messageBody } from './messages-shape';
import { messagesStream } from './messages-stream';
import { parseOr400 } from './zod-issue';

export interface MessagesDeps {
  chat: ChatService;
  tiers: TierDirectory;
  apiKeys: ApiKeyVerifier;
  maxBodyBytes: number;
}

export async function postMessages(deps: MessagesDeps, call: V1Request): Promise<HttpResult> {
  try {
    const principal = await authenticateAnyHeader(deps.apiKeys, call.header);
    const raw = await readJsonBody(call.body, deps.maxBodyBytes, call.header('content-length'));
    const body = parseOr400(messagesRequestSchema, raw);
    const model = resolveKnownModel(deps.tiers, body.model);
    const req = { model, ...messagesGatewayFields(body, raw as Record<string, unknown>), source: 'api' as const, maxCostUsd: parseMaxCost(call.header('x-cascade-max-cost-usd')), signal: call.signal };
    if (body.stream) {
      const stream = await deps.chat.stream(principal, req);
      return { status: 200, headers: { ...sseHeaders(), ...cascadeHeaders(stream.meta) }, stream: messagesStream(stream) };
    }
    const result = await deps.chat.complete(principal, req);
    return json(200, messageBody(result), { ...cascadeHeaders(result), 'x-cascade-cost-usd': decimalUsd(result.costUsd) });
  } catch (err) {
    return anthropicError(err);
  }
}
