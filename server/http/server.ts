// The process's HTTP server: the OpenAI-compatible routes are answered here directly (hot path),
// everything else goes to the fallback (Next.js in server.ts, a 404 in tests).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createV1NodeHandler } from './node-handler';
import type { V1RouteDeps } from './routes';
import type { Drain } from '../resilience/drain';
import { tracing } from '../observability/tracing';

export type Fallback = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** What wraps every request: probes, security headers, the shutdown gate (server/resilience). */
export interface ServerGuards {
  health?: (req: IncomingMessage, res: ServerResponse) => boolean;
  headers?: (req: IncomingMessage, res: ServerResponse) => void;
  drain?: Pick<Drain, 'admit'>;
}

export function createHttpServer(getDeps: () => Promise<V1RouteDeps>, fallback: Fallback, guards: ServerGuards = {}): Server {
  const v1 = createV1NodeHandler(getDeps);
  const server = createServer((req, res) => {
    guards.headers?.(req, res);
    if (guards.health?.(req, res)) return;
    if (guards.drain?.admit(req, res)) return;
    // With tracing on, a client's traceparent becomes the parent of this request's spans.
    const t = tracing();
    (t ? t.continueFrom(req.headers, () => v1(req, res)) : v1(req, res))
      .then((handled) => (handled ? undefined : fallback(req, res)))
      .catch((err: unknown) => {
        console.error('request failed:', err);
        if (!res.headersSent) {
          res.statusCode = 500;
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ error: { message: 'Internal error', type: 'server_error', param: null, code: 'internal_error' } }));
        } else res.destroy();
      });
  });
  // Streams can be long; Node's default request timeout (5 min) is kept, keep-alive a bit above proxies'.
  server.keepAliveTimeout = 65_000;
  return server;
}
