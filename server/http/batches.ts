// Batch jobs over HTTP (Bearer API key): POST /v1/batches (a JSON Lines body, one request per line;
// name in ?name= or x-cascade-batch-name), GET /v1/batches/:id (progress; with
// Accept: text/event-stream, or ?stream=true, a stream of progress snapshots until the job ends),
// GET /v1/batches/:id/results (JSON Lines, then one {"summary": ...} line), POST /v1/batches/:id/cancel.
import { hasRole } from '../auth/roles';
import { isOperator } from '../auth/visibility';
import type { BatchJobView, BatchService } from '../batch/types';
import { parseJsonl, resultsJsonl } from '../batch';
import type { Principal } from '../contracts/principal';
import type { ApiKeyVerifier } from '../contracts/ports';
import { authenticate } from './auth';
import { HttpError, toHttpError } from './errors';
import { errorResult, json, type HttpResult } from './result';

/** A batch file may be much larger than a chat request. */
export const BATCH_MAX_BYTES = 20 * 1024 * 1024;
const LINE_ERRORS_SHOWN = 100;

export interface BatchHttpDeps {
  apiKeys: ApiKeyVerifier;
  batches?: BatchService;
}

export interface BatchHttpRequest {
  method: string;
  /** Path after the API prefix, e.g. /v1/batches/ID/results. */
  path: string;
  query: URLSearchParams;
  header(name: string): string | null;
  body: AsyncIterable<Uint8Array> | null;
  signal?: AbortSignal;
}

export function isBatchPath(path: string): boolean {
  return path === '/v1/batches' || path.startsWith('/v1/batches/');
}

export async function batchesRoute(deps: BatchHttpDeps, req: BatchHttpRequest): Promise<HttpResult> {
  try {
    const principal = await authenticate(deps.apiKeys, req.header('authorization'));
    const batches = deps.batches;
    if (!batches) throw new HttpError(503, 'Batch jobs are not enabled in this process.', 'server_error', null, 'unavailable');
    const parts = req.path.split('/').filter(Boolean).slice(2); // after v1, batches
    if (parts.length === 0) {
      if (req.method !== 'POST') throw methodNotAllowed('POST');
      return await create(batches, principal, req);
    }
    const id = decodeURIComponent(parts[0]);
    const job = await visibleJob(batches, principal, id);
    const sub = parts.slice(1).join('/');
    if (sub === '' && req.method === 'GET') {
      const wantsStream = req.query.get('stream') === 'true' || (req.header('accept') ?? '').includes('text/event-stream');
      return wantsStream ? progressStream(batches, id, req.signal) : json(200, jobBody(job));
    }
    if (sub === 'results' && req.method === 'GET') {
      const r = await batches.results(id);
      if (!r) throw notFound(id);
      return { status: 200, headers: { 'content-type': 'application/x-ndjson; charset=utf-8', 'content-disposition': `attachment; filename="batch-${id}-results.jsonl"` }, stream: asAsync(resultsJsonl(r.items, r.summary)) };
    }
    if (sub === 'cancel' && req.method === 'POST') {
      const ok = await batches.cancel(id);
      const now = await batches.get(id);
      return json(ok ? 200 : 409, ok || !now ? jobBody(now ?? job) : { error: { message: `The job is already ${now.status}.`, type: 'invalid_request_error', param: null, code: 'conflict' } });
    }
    if (sub === '' || sub === 'results') throw methodNotAllowed('GET');
    if (sub === 'cancel') throw methodNotAllowed('POST');
    throw new HttpError(404, `Unknown API route ${req.method} ${req.path}.`, 'invalid_request_error', null, 'not_found');
  } catch (err) {
    return errorResult(toHttpError(err));
  }
}

async function create(batches: BatchService, principal: Principal, req: BatchHttpRequest): Promise<HttpResult> {
  const text = await readText(req.body, req.header('content-length'));
  const lines = parseJsonl(text);
  if (lines.length === 0) throw new HttpError(400, 'The body has no requests: send one JSON object per line ({"prompt": "..."} or {"messages": [...]}).', 'invalid_request_error', null, 'invalid_request');
  const lineErrors = lines.flatMap((l) => (l.error === null ? [] : [{ line: l.line, error: l.error }]));
  if (lineErrors.length === lines.length) {
    // Nothing to run: a job of failed items only would be a 202 for a request that cannot succeed.
    const message = `None of the ${lines.length} lines is a valid request (line ${lineErrors[0].line}: ${lineErrors[0].error}); see line_errors.`;
    const error = new HttpError(400, message, 'invalid_request_error', null, 'invalid_request');
    return json(400, { ...error.toBody(), line_errors: lineErrors.slice(0, LINE_ERRORS_SHOWN), line_errors_total: lineErrors.length });
  }
  const name = (req.query.get('name') ?? req.header('x-cascade-batch-name') ?? '').trim() || `batch ${new Date().toISOString()}`;
  const job = await batches.create(principal, { name, lines });
  return json(202, { ...jobBody(job), line_errors: lineErrors.slice(0, LINE_ERRORS_SHOWN), line_errors_total: lineErrors.length });
}

/** Jobs are visible to whoever submitted them, and to operator analysts (server/auth/visibility.ts). Others get 404, not a hint that it exists. */
async function visibleJob(batches: BatchService, principal: Principal, id: string): Promise<BatchJobView> {
  const job = await batches.get(id);
  if (!job || (job.createdById !== principal.id && !(hasRole(principal.role, 'analyst') && isOperator(principal)))) throw notFound(id);
  return job;
}

export function jobBody(j: BatchJobView) {
  return {
    id: j.id, object: 'batch', name: j.name, status: j.status, created_at: j.createdAt.toISOString(), finished_at: j.finishedAt?.toISOString() ?? null,
    total: j.total, done: j.done, failed: j.failed, cost_usd: j.costUsd, per_tier: j.perTier,
  };
}

function progressStream(batches: BatchService, id: string, signal?: AbortSignal): HttpResult {
  async function* events(): AsyncGenerator<string> {
    for await (const job of batches.watch(id, signal)) yield `event: progress\ndata: ${JSON.stringify(jobBody(job))}\n\n`;
    yield 'event: end\ndata: {}\n\n';
  }
  return { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' }, stream: events() };
}

async function* asAsync<T>(it: Iterable<T>): AsyncGenerator<T> {
  yield* it;
}

async function readText(body: AsyncIterable<Uint8Array> | null, contentLength: string | null): Promise<string> {
  const declared = contentLength ? Number(contentLength) : NaN;
  if (Number.isFinite(declared) && declared > BATCH_MAX_BYTES) throw tooLarge();
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > BATCH_MAX_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(): HttpError {
  return new HttpError(413, `A batch file is limited to ${BATCH_MAX_BYTES} bytes; split it into several jobs.`, 'invalid_request_error', null, 'payload_too_large');
}

function notFound(id: string): HttpError {
  return new HttpError(404, `No batch job ${JSON.stringify(id)}.`, 'invalid_request_error', null, 'not_found');
}

function methodNotAllowed(allowed: string): HttpError {
  return new HttpError(405, `Method not allowed; use ${allowed}.`, 'invalid_request_error', null, 'method_not_allowed');
}
