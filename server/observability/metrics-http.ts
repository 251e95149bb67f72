// GET /metrics for Prometheus: on the main listener (before Next.js), or on its own port when
// CASCADE_METRICS_PORT is set; a bearer token when CASCADE_METRICS_TOKEN is set.
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { CascadeMetrics } from './metrics';

export type NodeRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

export function metricsRoute(metrics: CascadeMetrics, token?: string): NodeRoute {
  const expected = token ? Buffer.from(`Bearer ${token}`) : null;
  return (req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics') return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET' }).end();
      return true;
    }
    if (expected) {
      const got = Buffer.from(req.headers.authorization ?? '');
      if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
        res.writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' }).end('metrics need the bearer token (CASCADE_METRICS_TOKEN)\n');
        return true;
      }
    }
    metrics.text().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(err as Error).message}\n`),
    );
    return true;
  };
}

/** A listener that serves only /metrics (CASCADE_METRICS_PORT): kept off the public port. */
export async function startMetricsListener(route: NodeRoute, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (!route(req, res)) res.writeHead(404, { 'content-type': 'text/plain' }).end('only /metrics here\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
