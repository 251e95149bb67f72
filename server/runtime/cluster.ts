// CASCADE_WORKERS=N: N Cascade processes behind one port (node:cluster: the primary owns the
// listening socket and hands connections to the workers). The workers coordinate exactly as
// separate replicas do, through Redis and Postgres, so N > 1 needs REDIS_URL and DATABASE_URL
// (the embedded Postgres belongs to one process). The primary runs no Cascade code: it restarts
// a worker that dies, forwards SIGTERM (each worker drains itself), and, when
// CASCADE_METRICS_PORT is set, serves the workers' metrics summed (prom-client's AggregatorRegistry).
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { AggregatorRegistry } from 'prom-client';
import type { Env } from '../env';

export function clusterProblem(e: Env): string | null {
  if (e.CASCADE_WORKERS <= 1) return null;
  if (!e.REDIS_URL) return 'CASCADE_WORKERS > 1 needs REDIS_URL: the workers share tier limits, rate limits and leases through Redis';
  if (!e.DATABASE_URL) return 'CASCADE_WORKERS > 1 needs DATABASE_URL: the embedded Postgres serves one process';
  return null;
}

/** True in the primary of a multi-worker start (the caller then does nothing else). */
export function runClusterPrimary(e: Env, log: (msg: string) => void): boolean {
  if (e.CASCADE_WORKERS <= 1 || !cluster.isPrimary) return false;
  const problem = clusterProblem(e);
  if (problem) throw new Error(problem);
  let stopping = false;
  const restarts: number[] = [];
  for (let i = 0; i < e.CASCADE_WORKERS; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    // A crash loop (e.g. the database is gone) must not fork forever: at most 10 restarts a minute.
    const now = Date.now();
    restarts.push(now);
    while (restarts.length && now - restarts[0] > 60_000) restarts.shift();
    if (restarts.length > 10) {
      log(`worker ${worker.process.pid} died (${signal ?? code}); too many restarts, stopping`);
      stop('crash loop');
      return;
    }
    log(`worker ${worker.process.pid} died (${signal ?? code}); starting another`);
    cluster.fork();
  });
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    log(`${why}: stopping ${Object.keys(cluster.workers ?? {}).length} workers`);
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  if (e.CASCADE_METRICS_PORT) {
    const aggregate = new AggregatorRegistry();
    const token = e.CASCADE_METRICS_TOKEN ? `Bearer ${e.CASCADE_METRICS_TOKEN}` : null;
    createServer((req, res) => {
      if ((req.url ?? '').split('?')[0] !== '/metrics') return void res.writeHead(404).end();
      if (token && req.headers.authorization !== token) return void res.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
      aggregate.clusterMetrics().then(
        (text) => res.writeHead(200, { 'content-type': aggregate.contentType }).end(text),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    }).listen(e.CASCADE_METRICS_PORT, e.HOST);
  }
  log(`primary ${process.pid}: ${e.CASCADE_WORKERS} workers on port ${e.PORT}`);
  return true;
}

export function isClusterWorker(): boolean {
  return cluster.isWorker;
}
