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
import { estimatePromptTokens, estimateTokens } from '../../tiers/tokens';
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
      return { status: 200, headers: { ...sseHeaders(), ...cascadeHeaders(stream.meta) }, stream: messagesStream(stream, body.stop_sequences) };
    }
    const result = await deps.chat.complete(principal, req);
    return json(200, messageBody(result, body.stop_sequences), { ...cascadeHeaders(result), 'x-cascade-cost-usd': decimalUsd(result.costUsd) });
  } catch (err) {
    return anthropicError(err);
  }
}

/**
 * POST /v1/messages/count_tokens: `{input_tokens}` for a Messages request (max_tokens not needed),
 * by the estimate Cascade bills with when a tier reports no usage (~4 characters a token plus each
 * message's framing; tool definitions as their JSON). Tiers tokenize differently: an estimate, not
 * the answering model's count. Records no decision.
 */
export async function countMessageTokens(deps: Pick<MessagesDeps, 'tiers' | 'apiKeys' | 'maxBodyBytes'>, call: V1Request): Promise<HttpResult> {
  try {
    await authenticateAnyHeader(deps.apiKeys, call.header);
    const raw = await readJsonBody(call.body, deps.maxBodyBytes, call.header('content-length'));
    const sized = raw && typeof raw === 'object' && !Array.isArray(raw) && !('max_tokens' in raw) ? { ...raw, max_tokens: 1 } : raw;
    const body = parseOr400(messagesRequestSchema, sized);
    resolveKnownModel(deps.tiers, body.model);
    const { messages } = messagesGatewayFields(body, {});
    const tools = body.tools?.length ? estimateTokens(JSON.stringify(body.tools)) : 0;
    return json(200, { input_tokens: estimatePromptTokens(messages) + tools });
  } catch (err) {
    return anthropicError(err);
  }
}
