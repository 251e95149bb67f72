// The OpenAI-compatible routes for node:http. The custom server calls this first and falls through
// to Next.js when it returns false, so the hot path never enters Next's router.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chatCompletions, type V1Deps } from './chat-completions';
import { batchesRoute, isBatchPath, type BatchHttpDeps } from './batches';
import { HttpError } from './errors';
import { postFeedback } from './feedback';
import { listModels } from './models';
import { errorResult, writeNode, type HttpResult } from './result';
import { mark, STAGE_TRACE, traceAlias, traceEnd, traceStart } from '../lib/stage-trace';

export const V1_PREFIX = '/api/v1/';

export function createV1NodeHandler(getDeps: () => Promise<V1Deps & Pick<BatchHttpDeps, 'batches'>>) {
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = req.url ?? '/';
    if (!url.startsWith(V1_PREFIX) && !url.startsWith('/v1/')) return false;
    const path = url.split('?')[0].replace(/^\/api\/v1\//, '/v1/');
    if (STAGE_TRACE && path === '/v1/chat/completions') {
      traceStart(res);
      res.once('finish', () => traceEnd(res, 'http.flushed'));
    }
    let result: HttpResult;
    try {
      result = await route(await getDeps(), req, res, path, url);
    } catch (err) {
      // Only startup failures get here: handlers turn their own errors into results.
      result = errorResult(new HttpError(503, `Cascade is not ready: ${err instanceof Error ? err.message : String(err)}`, 'server_error', null, 'unavailable'));
    }
    if (result.status === 413) {
      // The rest of an oversized body is not read: close the connection instead of draining it.
      res.setHeader('connection', 'close');
      res.once('finish', () => req.destroy());
    }
    if (STAGE_TRACE) mark(res, 'http.shape');
    await writeNode(res, result);
    if (STAGE_TRACE) mark(res, 'http.write');
    return true;
  };
}

async function route(deps: V1Deps & Pick<BatchHttpDeps, 'batches'>, req: IncomingMessage, res: ServerResponse, path: string, url: string): Promise<HttpResult> {
  const header = (name: string) => {
    const v = req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : (v ?? null);
  };
  if (path === '/v1/chat/completions') {
    if (req.method !== 'POST') return errorResult(methodNotAllowed('POST'));
    const abort = new AbortController();
    if (STAGE_TRACE) traceAlias(res, abort.signal);
    // A client that disconnects before the answer is complete cancels the upstream call.
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    return chatCompletions(deps, { header, body: req, signal: abort.signal });
  }
  if (path === '/v1/feedback') {
    if (req.method !== 'POST') return errorResult(methodNotAllowed('POST'));
    return postFeedback(deps, { header, body: req });
  }
  if (isBatchPath(path)) {
    const abort = new AbortController();
    res.once('close', () => abort.abort()); // ends a progress stream when the client leaves
    return batchesRoute(deps, { method: req.method ?? 'GET', path, query: new URLSearchParams(url.split('?')[1] ?? ''), header, body: req, signal: abort.signal });
  }
  if (path === '/v1/models') {
    if (req.method !== 'GET') return errorResult(methodNotAllowed('GET'));
    return listModels(deps, header('authorization'));
  }
  return errorResult(new HttpError(404, `Unknown API route ${req.method} ${path}.`, 'invalid_request_error', null, 'not_found'));
}

function methodNotAllowed(allowed: string): HttpError {
  return new HttpError(405, `Method not allowed; use ${allowed}.`, 'invalid_request_error', null, 'method_not_allowed');
}
