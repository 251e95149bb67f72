// Cascade's process: one Node HTTP server hosting Next.js (pages, tRPC, next-auth) and answering the
// OpenAI-compatible API (/api/v1/*) itself, without Next's router on the hot path.
// `npm start` runs this in production mode (scripts/start.ts); `npm run dev` with --dev.
import './server/runtime/preload-native';
import next from 'next';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from './server/env';
import { databaseGuard } from './server/db/client';
import { serveFetch } from './server/http/fetch-bridge';
import { createHttpServer } from './server/http/server';
import { createDrain } from './server/resilience/drain';
import { healthRoute } from './server/resilience/health';
import { securityHeaders } from './server/resilience/security-headers';
import { startRuntime, stopRuntime } from './server/runtime';
import { authSecret, publicUrl } from './server/runtime/secrets';
import { isClusterWorker, runClusterPrimary } from './server/runtime/cluster';
import { metricsRoute, startMetricsListener } from './server/observability/metrics-http';
import { annotateForAuth } from './server/auth/forwarded';
import { v1Deps } from './server/runtime/v1-deps';

const dev = process.argv.includes('--dev');
const apiOnly = process.argv.includes('--api-only');

async function apiOnlyFallback(origin: string) {
  const { GET: trpc } = await import('./app/api/trpc/[trpc]/route');
  return (req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '').startsWith('/api/trpc/')) return serveFetch(trpc, req, res, origin);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'This instance serves the API only (--api-only).', type: 'invalid_request_error', param: null, code: 'not_found' } }));
  };
}
const dir = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const e = env();
  if (runClusterPrimary(e, log)) return;
  // next-auth reads these from process.env itself (in Next's own module graph): set them before Next loads.
  // Without NEXTAUTH_URL it takes its URLs from each request (annotateForAuth), so any host name works.
  if (e.NEXTAUTH_URL) process.env.NEXTAUTH_URL = e.NEXTAUTH_URL;
  else process.env.AUTH_TRUST_HOST = '1';
  process.env.NEXTAUTH_SECRET = authSecret(e);

  log(`starting (${dev ? 'development' : 'production'}): ${e.DATABASE_URL ? 'Postgres from DATABASE_URL' : `embedded Postgres in ${e.CASCADE_DATA_DIR}/`}`);
  const runtime = await startRuntime(e);
  // --api-only: the OpenAI-compatible API, tRPC (API keys) and the probes, without Next.js and its
  // build (API replicas, and the chaos suite that starts and kills the process many times).
  const app = apiOnly ? null : next({ dev, dir, hostname: e.HOST, port: e.PORT });
  await app?.prepare();
  const nextHandler = app ? app.getRequestHandler() : await apiOnlyFallback(publicUrl(e));
  const deps = v1Deps(runtime, e.CASCADE_MAX_BODY_BYTES);
  const drain = createDrain();
  const guard = databaseGuard();
  // /metrics: on its own port when CASCADE_METRICS_PORT is set (in a multi-worker start the primary
  // serves all workers' metrics there), else on the main port before Next.js.
  const metrics = metricsRoute(runtime.metrics, e.CASCADE_METRICS_TOKEN);
  if (e.CASCADE_METRICS_PORT && !isClusterWorker()) await startMetricsListener(metrics, e.CASCADE_METRICS_PORT, e.HOST);
  if (isClusterWorker()) (await import('prom-client')).AggregatorRegistry.setRegistries([runtime.metrics.registry]);
  const onMain = !e.CASCADE_METRICS_PORT;
  const server = createHttpServer(async () => deps, (req, res) => {
    if (onMain && metrics(req, res)) return;
    annotateForAuth(req, e.CASCADE_TRUST_PROXY);
    return nextHandler(req, res);
  }, {
    headers: securityHeaders({ dev }),
    drain,
    health: healthRoute(() => ({
      database: () => guard?.isUp() ?? true,
      migrations: () => true, // startRuntime() applied them before the server listened
      tiers: () => runtime.tiers.list().some((t) => t.enabled && t.role !== 'embedding'),
      draining: () => drain.draining(),
    })),
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(e.PORT, e.HOST, resolve);
  });
  const url = publicUrl(e);
  log(`ready on ${url}  (OpenAI-compatible API: ${url}/api/v1, model "auto")`);
  if (runtime.info.simulatorUrl) log(`simulated tiers (no GPU needed) on ${runtime.info.simulatorUrl}`);
  if (runtime.firstStart) {
    log(`first start: sign in as ${runtime.firstStart.adminEmail} with password ${runtime.firstStart.adminPassword}`);
    log('this password is shown once; you will be asked to choose your own at the first sign-in (locked out later? `npm run cascade -- reset-admin`)');
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const deadline = e.CASCADE_DRAIN_TIMEOUT_MS;
    log(`${signal}: draining (readiness fails now; in-flight requests get up to ${deadline} ms), then flushing decisions`);
    // In-flight answers finish first so that their decisions reach the recorder before it flushes.
    drain
      .drain(server, deadline)
      .then(({ cut, waitedMs }) => log(`drained in ${waitedMs} ms${cut > 0 ? `; ${cut} request(s) still running were cut at the deadline` : ''}`))
      .then(() => stopRuntime())
      .then(() => app?.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error('shutdown failed:', err);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

function log(msg: string): void {
  process.stdout.write(`cascade: ${msg}\n`);
}

main().catch((err: unknown) => {
  console.error(`cascade: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  void stopRuntime().finally(() => process.exit(1));
});
