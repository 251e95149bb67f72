// The /v1 routes for node:http. The custom server calls this first and falls through to Next.js
// when it returns false, so the hot path never enters Next's router.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './errors';
import { errorResult, writeNode, type HttpResult } from './result';
import { routeV1, v1Path, type V1RouteDeps } from './routes';
import { mark, STAGE_TRACE, traceAlias, traceEnd, traceStart } from '../lib/stage-trace';

export function createV1NodeHandler(getDeps: () => Promise<V1RouteDeps>) {
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = v1Path(q < 0 ? url : url.slice(0, q));
    if (!path) return false;
    const abort = new AbortController();
    if (STAGE_TRACE && path === '/v1/chat/completions') {
      traceStart(res);
      traceAlias(res, abort.signal);
      res.once('finish', () => traceEnd(res, 'http.flushed'));
    }
    // A client that disconnects before the answer is complete cancels the upstream call.
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const header = (name: string) => {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? v.join(', ') : (v ?? null);
    };
    let result: HttpResult;
    try {
      const deps = await getDeps();
      result = await routeV1(deps, { method: req.method ?? 'GET', path, query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)), header, body: req, signal: abort.signal });
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
