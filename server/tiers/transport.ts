// The one place tier calls touch the network: undici's request() over its keep-alive connection
// pool. Not fetch(): Node's fetch builds WHATWG Request/Response objects, tees the request body into
// web streams and reads the answer through a ReadableStream — about 0.9 ms of CPU per call on this
// machine against ~0.2 ms for request() (bench: router overhead, see docs/notes/http.md). The
// answer body is undici's Node Readable; CallGuard (http.ts) still owns every timer and the abort.
import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { request } from 'undici';

export interface UpstreamResponse {
  status: number;
  statusText: string;
  ok: boolean;
  /** One header (lower-case name), comma-joined when repeated; null when absent. */
  header(name: string): string | null;
  body: Readable & { dump?(opts?: { limit: number }): Promise<void> };
}

export interface SendInit {
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export async function send(url: string, init: SendInit): Promise<UpstreamResponse> {
  const res = await request(url, {
    method: init.method ?? 'GET',
    headers: init.headers,
    body: init.body,
    signal: init.signal,
    // Every call's limits are CallGuard's (tier.timeoutMs up to 10 min, idle and stream caps);
    // undici's own 300 s header/body timeouts would cut a long tier timeout short.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const h = res.headers;
  return {
    status: res.statusCode,
    statusText: STATUS_CODES[res.statusCode] ?? '',
    ok: res.statusCode >= 200 && res.statusCode < 300,
    header(name) {
      const v = h[name];
      if (v === undefined) return null;
      return Array.isArray(v) ? v.join(', ') : v;
    },
    body: res.body,
  };
}

/** Lets the connection go back to the pool without reading a body nobody wants. */
export function discard(res: UpstreamResponse): void {
  const b = res.body;
  if (typeof b.dump === 'function') b.dump({ limit: 64 * 1024 }).catch(() => undefined);
  else b.destroy();
}
