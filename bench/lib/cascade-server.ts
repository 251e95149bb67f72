// Cascade's OpenAI-compatible hot path as the bench measures it: the real runtime (analyzer,
// response cache, policy, resilient tier registry, decision recorder to Postgres) behind the real
// node:http server of server/http — what server.ts serves, minus Next.js (not on this path).
// Run as its own process: `node --import tsx bench/lib/cascade-server.ts <upstreamBaseUrl> [databaseUrl]`;
// it creates small/medium/large tiers pointing at the upstream and one API key, then prints
// {"url","key"} on one line. Without a database URL the runtime starts its embedded Postgres.
import '../../server/runtime/preload-native';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { PerformanceObserver, constants as perfConstants, monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { loadEnv } from '../../server/env';
import { createAnalyzer } from '../../server/complexity';
import type { Assessment } from '../../server/complexity/types';
import { createChatService } from '../../server/gateway/chat-service';
import { createHttpServer } from '../../server/http/server';
import { STAGE_TRACE, stageSummary } from '../../server/lib/stage-trace';
import { startRuntime, stopRuntime } from '../../server/runtime';
import { v1Deps } from '../../server/runtime/v1-deps';

const [upstream, databaseUrl] = process.argv.slice(2);
if (!upstream || !/^http:\/\/127\.0\.0\.1:\d+\/v1$/.test(upstream)) {
  console.error(`cascade-server: first argument must be a loopback base URL like http://127.0.0.1:PORT/v1, got ${upstream}`);
  process.exit(2);
}

const e = loadEnv({
  NODE_ENV: 'production',
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  CASCADE_DATA_DIR: mkdtempSync(join(tmpdir(), 'cascade-bench-')),
  CASCADE_SIMULATED_TIERS: 'false',
  CASCADE_ADMIN_PASSWORD: 'bench-admin-password',
  CASCADE_SECRET_KEY: 'cascade-bench-secret-key-0123456789',
  LOG_LEVEL: 'warn',
  // Longer database limits for a Cascade run under valgrind (bench/lib/instructions.ts), tens of times slower.
  ...(process.env.DB_CONNECT_TIMEOUT_MS ? { DB_CONNECT_TIMEOUT_MS: process.env.DB_CONNECT_TIMEOUT_MS } : {}),
  ...(process.env.DB_STATEMENT_TIMEOUT_MS ? { DB_STATEMENT_TIMEOUT_MS: process.env.DB_STATEMENT_TIMEOUT_MS } : {}),
});
const runtime = await startRuntime(e);
const actor = { id: null, label: 'router bench' };
const existing = new Set(runtime.tiers.list().map((t) => t.name));
for (const role of ['small', 'medium', 'large'] as const) {
  if (existing.has(role)) continue;
  // maxConcurrency high enough that admission never queues: the bench measures overhead, not queueing.
  await runtime.stores.tiers.create(
    { name: role, role, kind: 'openai', baseUrl: upstream, model: 'fake-model', apiKey: null, inputPricePerM: 1, outputPricePerM: 2, maxConcurrency: 10_000, timeoutMs: 10_000, enabled: true },
    actor,
  );
}
await runtime.tiers.reload();
const { key } = await runtime.stores.apiKeys.create({ name: `bench-${process.pid}`, tenant: `bench-${process.pid}`, role: 'user' }, actor);

// Ablation for profiling (bench/lib/profile-router.ts), never in the bench itself:
// CASCADE_BENCH_WITHOUT=cache,analyzer,recorder serves the same pipeline with those parts left out
// (no response cache; one fixed assessment instead of the analyzer; decisions dropped), so the CPU
// each part costs per request can be read off runs made minutes apart.
const without = new Set((process.env.CASCADE_BENCH_WITHOUT ?? '').split(',').filter(Boolean));
let chat = runtime.chat;
if (without.size > 0) {
  const real = await createAnalyzer();
  const fixed: Assessment = await real.assess('Explain what a hash table is in two sentences.');
  chat = createChatService({
    analyzer: without.has('analyzer') ? { modelVersion: fixed.modelVersion, assess: async () => fixed } : real,
    cache: without.has('cache') ? null : await (await import('../../server/cache')).createCache({ url: databaseUrl! }),
    policy: runtime.policy,
    tiers: runtime.tierRegistry,
    sink: without.has('recorder') ? { record: () => undefined } : runtime.recorder,
  });
}
const deps = { ...v1Deps(runtime), chat };
const server = createHttpServer(async () => deps, (_req, res) => {
  res.statusCode = 404;
  res.end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, key })}\n`);

// SIGUSR2: print how long timers waited for the event loop since the last SIGUSR2 (then reset), so
// a profiling run can tell a blocked event loop (our own long tasks) from a descheduled process.
// GC pauses by kind in the same window: the usual suspect for a long task.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const gcKinds: Record<number, string> = { [perfConstants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
let gc: Record<string, { count: number; totalMs: number; maxMs: number }> = {};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = gcKinds[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
    const g = (gc[kind] ??= { count: 0, totalMs: 0, maxMs: 0 });
    g.count++;
    g.totalMs += e.duration;
    g.maxMs = Math.max(g.maxMs, e.duration);
  }
}).observe({ entryTypes: ['gc'] });
process.on('SIGUSR2', () => {
  const ms = (ns: number) => Number((ns / 1e6).toFixed(2));
  const gcOut = Object.fromEntries(Object.entries(gc).map(([k, g]) => [k, { count: g.count, totalMs: Number(g.totalMs.toFixed(1)), maxMs: Number(g.maxMs.toFixed(2)) }]));
  const stages = STAGE_TRACE ? { stages: stageSummary() } : {};
  process.stdout.write(`${JSON.stringify({ eventLoopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max), mean: ms(loopDelay.mean) }, gc: gcOut, ...stages })}\n`);
  loopDelay.reset();
  gc = {};
});

// SIGTERM: stop serving, flush the recorder (so every decision of the run reaches Postgres), exit.
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void runtime.recorder
    .flush()
    .then(() => process.stdout.write(`${JSON.stringify({ recorder: runtime.recorder.stats() })}\n`))
    .then(() => stopRuntime())
    .then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('cascade-server: shutdown failed:', err);
        process.exit(1);
      },
    );
});
