// The /v1 route table, once: the custom server (node-handler.ts, the hot path) and Next's route
// handler (app/api/v1/[...path]/route.ts) both adapt their request to a V1Call and ask here.
import type { EmbeddingsService } from '../contracts/chat';
import type { ResponseStore } from '../contracts/responses';
import { batchesRoute, isBatchPath, type BatchHttpDeps } from './batches';
import { chatCompletions, type V1Deps } from './chat-completions';
import { HttpError } from './errors';
import { postFeedback } from './feedback';
import { getModel, listModels } from './models';
import { postEmbeddings } from './doors/embeddings';
import { countMessageTokens, postMessages } from './doors/messages';
import { deleteResponse, getResponse, listInputItems, postResponses } from './doors/responses';
import { errorResult, type HttpResult } from './result';

export type V1RouteDeps = V1Deps & Pick<BatchHttpDeps, 'batches'> & { responses: ResponseStore; embeddings: EmbeddingsService };

/** One API request, whatever server received it. */
export interface V1Call {
  method: string;
  /** Path after the API prefix, as /v1/…, without the query. */
  path: string;
  query: URLSearchParams;
  header(name: string): string | null;
  body: AsyncIterable<Uint8Array> | null;
  /** Aborted when the client goes away: cancels the upstream call or ends a progress stream. */
  signal: AbortSignal;
}

/** /api/v1/x and /v1/x (both prefixes are served) as /v1/x; null for other paths. */
export function v1Path(pathname: string): string | null {
  if (pathname.startsWith('/api/v1/')) return pathname.slice(4);
  if (pathname.startsWith('/v1/')) return pathname;
  return null;
}

function methodNotAllowed(allowed: string): HttpResult {
  return errorResult(new HttpError(405, `Method not allowed; use ${allowed}.`, 'invalid_request_error', null, 'method_not_allowed'));
}

/** A path segment as the client meant it ("a%2Fb" -> "a/b"); a malformed escape stays as sent. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export async function routeV1(deps: V1RouteDeps, call: V1Call): Promise<HttpResult> {
  const { method, path } = call;
  if (path === '/v1/chat/completions') {
    if (method !== 'POST') return methodNotAllowed('POST');
    return chatCompletions(deps, call);
  }
  if (path === '/v1/messages') {
    if (method !== 'POST') return methodNotAllowed('POST');
    return postMessages(deps, call);
  }
  if (path === '/v1/messages/count_tokens') {
    if (method !== 'POST') return methodNotAllowed('POST');
    return countMessageTokens(deps, call);
  }
  if (path === '/v1/responses') {
    if (method !== 'POST') return methodNotAllowed('POST');
    return postResponses(deps, call);
  }
  if (path.startsWith('/v1/responses/') && path.endsWith('/input_items')) {
    if (method !== 'GET') return methodNotAllowed('GET');
    return listInputItems(deps, call, safeDecode(path.slice('/v1/responses/'.length, -'/input_items'.length)));
  }
  if (path.startsWith('/v1/responses/')) {
    const id = safeDecode(path.slice('/v1/responses/'.length));
    if (method === 'DELETE') return deleteResponse(deps, call, id);
    if (method !== 'GET') return methodNotAllowed('GET, DELETE');
    return getResponse(deps, call, id);
  }
  if (path === '/v1/feedback') {
    if (method !== 'POST') return methodNotAllowed('POST');
    return postFeedback(deps, call);
  }
  if (isBatchPath(path)) return batchesRoute(deps, call);
  if (path === '/v1/models') {
    if (method !== 'GET') return methodNotAllowed('GET');
    return listModels(deps, call.header('authorization'));
  }
  if (path.startsWith('/v1/models/')) {
    if (method !== 'GET') return methodNotAllowed('GET');
    return getModel(deps, call.header('authorization'), safeDecode(path.slice('/v1/models/'.length)));
  }
  if (path === '/v1/embeddings') {
    if (method !== 'POST') return methodNotAllowed('POST');
    return postEmbeddings(deps, call);
  }
  return errorResult(new HttpError(404, `Unknown API route ${method} ${path}.`, 'invalid_request_error', null, 'not_found'));
}
