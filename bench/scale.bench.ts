// Scale-out: what coordination through Redis costs per request, and what a second worker process
// (CASCADE_WORKERS=2, node:cluster) buys on this machine. Every Cascade here is test/fixtures/replica.ts
// (the real runtime behind the real node:http server, no Next.js) against a fresh database on the
// TEST_DATABASE_URL server and a fixed-latency upstream in its own process.
//  1. CPU per request, one process, no Redis vs REDIS_URL (tier slots, spend counters and leases in
//     Redis), evenly paced, alternated A B A B; the Redis server's own CPU is reported beside it.
//  2. Max throughput (64 connections, unthrottled) with CASCADE_WORKERS=1 and =2 (both with Redis).
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchRow, BenchSuite } from './index';
import { runLoad, runPaced, warmUp, type LoadTarget } from './lib/load';
import { cpuMs, startTsChild, stopChild } from './lib/processes';
import { templatedPrompt } from './lib/queries';
import { realPostgresUrl } from '../test/fixtures/scale-cluster';
import { freePort, freshDatabase } from '../test/fixtures/resources';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const UPSTREAM_LATENCY_MS = 20;
const PACED_RATE = 150;
const SECONDS = 10;
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Started {
  child: ChildProcess;
  url: string;
  key: string;
  pids: number[];
}

async function startCascade(o: { databaseUrl: string; upstream: string; redis: boolean; workers: number }): Promise<Started> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATABASE_URL: o.databaseUrl, PORT: String(port), CASCADE_WORKERS: String(o.workers), CASCADE_SECRET_KEY: 'cascade-bench-secret-key-0123456789',
    CASCADE_ADMIN_PASSWORD: 'bench-admin-password', CASCADE_DATA_DIR: mkdtempSync(join(tmpdir(), 'cascade-bench-scale-')), REPLICA_UPSTREAM: o.upstream, REPLICA_TIER_LIMIT: '10000',
    CASCADE_REDIS_PREFIX: `cascade-bench:${Date.now().toString(36)}:`, CASCADE_TUNER_INTERVAL_MS: '0',
  };
  if (o.redis) env.REDIS_URL = REDIS;
  else delete env.REDIS_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fixtures/replica.ts')], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: { url: string; key: string; pid: number }[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Cascade did not start in 180 s')), 180_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const v = JSON.parse(line) as { url?: string; key: string; pid: number };
        if (v.url) lines.push(v as { url: string; key: string; pid: number });
      } catch {
        return;
      }
      if (lines.length === o.workers) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`Cascade exited (${code}) before it was ready`)));
  });
  const pids = [...new Set([child.pid!, ...lines.map((l) => l.pid)])];
  return { child, url: lines[0].url, key: lines[0].key, pids };
}

/** Resident memory of a set of processes, MB (Linux /proc). */
function rssMb(pids: number[]): number | null {
  try {
    return pids.reduce((s, p) => s + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))![1]) / 1024, 0);
  } catch {
    return null;
  }
}

/** Rows written and transactions committed in one database so far (pg_stat_database). */
async function pgWrites(url: string): Promise<{ rows: number; commits: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ rows: string; commits: string }>('SELECT tup_inserted + tup_updated + tup_deleted AS rows, xact_commit AS commits FROM pg_stat_database WHERE datname = current_database()');
    return { rows: Number(rows[0].rows), commits: Number(rows[0].commits) };
  } finally {
    await c.end();
  }
}

/** CPU ms of a set of processes (a cluster: primary and workers). */
const cpuOf = (pids: number[]) => pids.reduce((s, p) => s + (cpuMs(p) ?? 0), 0);

function redisPid(): number | null {
  try {
    const info = execFileSync('redis-cli', ['-u', REDIS, 'info', 'server'], { encoding: 'utf8' });
    const m = /process_id:(\d+)/.exec(info);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const r2 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Number(x.toFixed(2)));

const suite: BenchSuite = {
  name: 'scale-out: Redis coordination CPU per request, and 2 workers vs 1',
  async run() {
    const base = await realPostgresUrl();
    if (!base) throw new Error('the scale bench needs a real Postgres: set TEST_DATABASE_URL');
    const load0 = loadavg();
    const db = await freshDatabase(base, 'scale_bench');
    const up = await startTsChild('fake-upstream.ts', [String(UPSTREAM_LATENCY_MS)]);
    const upstream = `${String(up.info.url)}/v1`;
    const rows: BenchRow[] = [];
    const summary: Record<string, unknown> = { loadAverageAtStart: load0.map((x) => r2(x)) };
    const target = (c: Started, label: string): LoadTarget => ({
      label, url: c.url, path: '/api/v1/chat/completions', headers: { authorization: `Bearer ${c.key}` },
      body: (i) => JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: templatedPrompt(i) }] }),
    });
    try {
      // 1. CPU per request with and without Redis, one process, evenly paced.
      const per: Record<string, number[]> = { local: [], redis: [] };
      const rpid = redisPid();
      for (const mode of ['local', 'redis', 'local', 'redis'] as const) {
        const c = await startCascade({ databaseUrl: db.url, upstream, redis: mode === 'redis', workers: 1 });
        try {
          const t = target(c, mode);
          await warmUp(t, 100);
          await new Promise((res) => setTimeout(res, 1500)); // warm-up decisions flushed and counted
          const pg0 = await pgWrites(db.url);
          const cpu0 = cpuOf(c.pids);
          const redis0 = rpid ? cpuMs(rpid) : null;
          const r = await runPaced(t, { rate: PACED_RATE, seconds: SECONDS, connections: 32 });
          const rss = rssMb(c.pids);
          await new Promise((res) => setTimeout(res, 1500)); // the recorder's last batch, and the statistics flush
          const pg1 = await pgWrites(db.url);
          const cascadeCpu = (cpuOf(c.pids) - cpu0) / Math.max(1, r.ok);
          const redisCpu = redis0 !== null && rpid ? ((cpuMs(rpid) ?? redis0) - redis0) / Math.max(1, r.ok) : null;
          per[mode].push(cascadeCpu);
          rows.push({ run: `paced ${PACED_RATE}/s, ${mode === 'redis' ? 'REDIS_URL' : 'in-process'}`, ok: r.ok, failed: r.failed, rps: r2(r.rps), p50ms: r2(r.p50), p99ms: r2(r.p99), cascadeCpuMsPerReq: r2(cascadeCpu), redisServerCpuMsPerReq: mode === 'redis' ? r2(redisCpu) : null, rssMb: r2(rss), pgRowsPerReq: r2((pg1.rows - pg0.rows) / Math.max(1, r.ok)), pgCommitsPer1kReq: r2(((pg1.commits - pg0.commits) * 1000) / Math.max(1, r.ok)), load1: r2(loadavg()[0]) });
        } finally {
          await stopChild(c.child);
        }
      }
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      summary.cpuRatioRedisVsLocal = r2(mean(per.redis) / mean(per.local));

      // 2. Max throughput, 1 worker vs 2 (both coordinated through Redis).
      const tput: Record<number, number> = {};
      for (const workers of [1, 2]) {
        const c = await startCascade({ databaseUrl: db.url, upstream, redis: true, workers });
        try {
          const t = target(c, `${workers} worker(s)`);
          await warmUp(t, 100);
          const cpu0 = cpuOf(c.pids);
          const r = await runLoad(t, { rate: null, seconds: SECONDS, connections: 64 });
          tput[workers] = r.rps;
          rows.push({ run: `max, CASCADE_WORKERS=${workers}`, ok: r.ok, failed: r.failed, rps: r2(r.rps), p50ms: r2(r.p50), p99ms: r2(r.p99), cascadeCpuMsPerReq: r2((cpuOf(c.pids) - cpu0) / Math.max(1, r.ok)), redisServerCpuMsPerReq: null, rssMb: r2(rssMb(c.pids)), load1: r2(loadavg()[0]) });
        } finally {
          await stopChild(c.child);
        }
      }
      summary.throughputRatio2vs1 = r2(tput[2] / tput[1]);
      summary.loadAverageAtEnd = loadavg().map((x) => r2(x));
      rows.push({ run: `summary: CPU/request Redis vs in-process ${String(summary.cpuRatioRedisVsLocal)}x; throughput 2 workers vs 1 ${String(summary.throughputRatio2vs1)}x; load ${load0.map((x) => x.toFixed(1)).join('/')} -> ${loadavg().map((x) => x.toFixed(1)).join('/')}` });
      return { rows, summary };
    } finally {
      await up.stop();
      await db.drop().catch(() => undefined);
    }
  },
};

export default suite;
