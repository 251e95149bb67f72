// A framework-free HTTP answer: handlers return it, and two tiny writers put it on the wire, one for
// node:http (the custom server's hot path) and one for the Fetch API (Next route handlers).
import type { ServerResponse } from 'node:http';
import { HttpError } from './errors';
import { sample, STAGE_TRACE, traceNow } from '../lib/stage-trace';

export type HttpResult =
  | { status: number; headers: Record<string, string>; body: string }
  | { status: number; headers: Record<string, string>; stream: AsyncIterable<string> };

export function json(status: number, value: unknown, headers: Record<string, string> = {}): HttpResult {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function errorResult(err: HttpError): HttpResult {
  const headers: Record<string, string> = {};
  if (err.status === 401) headers['www-authenticate'] = 'Bearer';
  // A refused or failed request was still recorded: the client can quote its decision.
  if (err.decisionId) headers['x-cascade-decision-id'] = err.decisionId;
  // Worth retrying later (a database outage, a full queue, shed load, a rate limit): say when.
  if (err.retryAfterMs) headers['retry-after'] = String(Math.ceil(err.retryAfterMs / 1000));
  else if (err.status === 503 || err.status === 429) headers['retry-after'] = err.status === 503 ? '5' : '1';
  return json(err.status, err.toBody(), headers);
}

export async function writeNode(res: ServerResponse, result: HttpResult): Promise<void> {
  // writeHead with the whole object (merged with any setHeader() before it) is Node's cheap path:
  // one header block built at once instead of a validated setHeader() per header.
  const t0 = STAGE_TRACE ? traceNow() : 0;
  res.writeHead(result.status, result.headers);
  if ('body' in result) {
    if (STAGE_TRACE) sample('http.writeHead', traceNow() - t0);
    res.end(result.body);
    if (STAGE_TRACE) sample('http.end', traceNow() - t0);
    return;
  }
  res.flushHeaders();
  const iterator = result.stream[Symbol.asyncIterator]();
  // A client that goes away stops the upstream work through the iterator's return().
  const onClose = () => void iterator.return?.();
  res.on('close', onClose);
  try {
    for (;;) {
      const { value, done } = await iterator.next();
      if (done || res.destroyed) break;
      if (!res.write(value)) await new Promise<void>((r) => res.once('drain', r));
    }
  } finally {
    res.off('close', onClose);
    res.end();
  }
}

export function toWebResponse(result: HttpResult): Response {
  if ('body' in result) return new Response(result.body, { status: result.status, headers: result.headers });
  const encoder = new TextEncoder();
  const iterator = result.stream[Symbol.asyncIterator]();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(stream, { status: result.status, headers: result.headers });
}
