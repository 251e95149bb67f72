// Cascade's process: one Node HTTP server hosting Next.js (pages, tRPC, next-auth) and answering the
// OpenAI-compatible API (/api/v1/*) itself, without Next's router on the hot path.
// `npm start` runs this in production mode (scripts/start.ts); `npm run dev` with --dev.
import './server/runtime/preload-native';
import next from 'next';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from './server/env';
import { createHttpServer } from './server/http/server';
import { startRuntime, stopRuntime } from './server/runtime';
import { authSecret, publicUrl } from './server/runtime/secrets';
import { annotateForAuth } from './server/auth/forwarded';

const dev = process.argv.includes('--dev');
const dir = dirname(fileURLToPath(import.meta.url));

async function main(): Promise<void> {
  const e = env();
  // next-auth reads these from process.env itself (in Next's own module graph): set them before Next loads.
  // Without NEXTAUTH_URL it takes its URLs from each request (annotateForAuth), so any host name works.
  if (e.NEXTAUTH_URL) process.env.NEXTAUTH_URL = e.NEXTAUTH_URL;
  else process.env.AUTH_TRUST_HOST = '1';
  process.env.NEXTAUTH_SECRET = authSecret(e);

  log(`starting (${dev ? 'development' : 'production'}): ${e.DATABASE_URL ? 'Postgres from DATABASE_URL' : `embedded Postgres in ${e.CASCADE_DATA_DIR}/`}`);
  const runtime = await startRuntime(e);
  const app = next({ dev, dir, hostname: e.HOST, port: e.PORT });
  await app.prepare();
  const nextHandler = app.getRequestHandler();
  const deps = { chat: runtime.chat, tiers: runtime.tiers, apiKeys: runtime.apiKeys, feedback: runtime.feedback, batches: runtime.batches, maxBodyBytes: e.CASCADE_MAX_BODY_BYTES };
  const server = createHttpServer(async () => deps, (req, res) => {
    annotateForAuth(req, e.CASCADE_TRUST_PROXY);
    return nextHandler(req, res);
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
    log(`${signal}: draining requests and flushing decisions`);
    // In-flight answers finish (up to 10 s) so that their decisions reach the recorder before it flushes.
    const drained = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    Promise.race([drained, new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref())])
      .then(() => server.closeAllConnections())
      .then(() => stopRuntime())
      .then(() => app.close())
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
