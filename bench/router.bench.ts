// Router overhead: what Cascade adds to a request on a cache miss (assess with the real ONNX model,
// decide, admission + breaker, execute, cache lookup + store, decision record handed to the sink),
// measured per request as (pipeline latency - upstream attempt latency), under open-loop load at
// 100 / 500 / 1,000 requests/s against a fixed-latency fake upstream on loopback. A direct call to
// the same upstream is measured alongside as the baseline end-to-end latency.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { BenchSuite } from './index';
import { startFakeUpstream } from '../test/fixtures/upstream';
import { createAnalyzer } from '../server/complexity';
import { createCache } from '../server/cache';
import type { DecisionRecord } from '../server/decisions/types';
import { completeChat } from '../server/gateway/pipeline';
import { resilientTierRegistry } from '../server/gateway/tier-registry';
import { defaultPolicy } from '../server/routing/policy';
import { chat } from '../server/tiers/connector';
import type { TierConfig } from '../server/tiers/types';

const UPSTREAM_LATENCY_MS = 20;
const SECONDS = 3;
const RATES = [100, 500, 1000];

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/** Fires `fn` at `rate` per second for `seconds`, open loop (arrivals do not wait for answers). */
async function openLoop(rate: number, seconds: number, fn: (i: number) => Promise<void>): Promise<number> {
  const total = rate * seconds;
  const tickMs = 10;
  const perTick = rate / (1000 / tickMs);
  const inflight: Promise<void>[] = [];
  let sent = 0;
  let due = 0;
  const t0 = performance.now();
  while (sent < total) {
    due = Math.min(total, Math.floor(((performance.now() - t0) / tickMs + 1) * perTick));
    while (sent < due) inflight.push(fn(sent++));
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(inflight);
  return (performance.now() - t0) / 1000;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Starts the Portkey gateway (npm @portkey-ai/gateway) as its own process; null when it cannot start. */
async function startPortkey(): Promise<{ url: string; child: ChildProcess } | null> {
  let script: string;
  try {
    script = join(dirname(createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json')), 'build', 'start-server.js');
  } catch {
    return null;
  }
  const port = await freePort();
  const child = spawn(process.execPath, [script, `--port=${port}`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return null;
    const ok = await fetch(url).then(() => true, () => false);
    if (ok) return { url, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  return null;
}

const suite: BenchSuite = {
  name: 'router overhead (cache miss: assess + decide + execute + record)',
  async run() {
    const up = await startFakeUpstream({ latencyMs: UPSTREAM_LATENCY_MS, content: 'A short fixed answer from the fake upstream.' });
    const analyzer = await createAnalyzer();
    const cache = await createCache();
    const tier = (name: string): TierConfig => ({
      id: name, name, role: 'small', kind: 'openai', baseUrl: up.baseUrl, model: 'fake-model', apiKey: null,
      inputPricePerM: 1, outputPricePerM: 2, maxConcurrency: 4096, timeoutMs: 10_000, enabled: true,
    });
    const tiers = ['small', 'medium', 'large'].map(tier);
    const byName = new Map(tiers.map((t) => [t.name, t]));
    const registry = resilientTierRegistry({ directory: { list: () => tiers, byName: (n) => byName.get(n) } });
    let recorded = 0;
    let sinkInto: DecisionRecord[] = [];
    const deps = {
      analyzer, cache, tiers: registry,
      policy: { current: () => ({ version: 1, policy: defaultPolicy() }) },
      // The request path only enqueues: this sink stands for the recorder's in-memory queue.
      sink: { record: (d: DecisionRecord) => void (recorded++, sinkInto.push(d)) },
    };
    const principal = { kind: 'apiKey' as const, id: 'bench', userId: null, apiKeyId: 'bench', role: 'user' as const, tenant: 'bench', name: 'bench' };
    const prompt = (i: number) => `Question number ${i} ${Math.random().toString(36).slice(2)}: what is the capital of country ${i % 50}?`;
    // Warm up the ONNX session, the connection pool and the JIT.
    for (let i = 0; i < 200; i++) await completeChat(deps, principal, { model: null, messages: [{ role: 'user', content: prompt(i) }], source: 'api', temperature: 0 });

    const portkey = await startPortkey();
    const viaPortkey = async () => {
      const res = await fetch(`${portkey!.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': up.baseUrl },
        body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'What is the capital of France?' }] }),
      });
      if (!res.ok) throw new Error(`portkey ${res.status}`);
      await res.json();
    };
    if (portkey) for (let i = 0; i < 200; i++) await viaPortkey();

    const rows = [];
    for (const rate of RATES) {
      const decisions: DecisionRecord[] = (sinkInto = []);
      const routed: number[] = [];
      const direct: number[] = [];
      let errors = 0;
      await openLoop(rate, SECONDS, async (i) => {
        const t0 = performance.now();
        try {
          await completeChat(deps, principal, { model: null, messages: [{ role: 'user', content: prompt(i) }], source: 'api', temperature: 0 });
          routed.push(performance.now() - t0);
        } catch {
          errors++;
        }
      });
      await openLoop(rate, SECONDS, async () => {
        const t0 = performance.now();
        try {
          await chat(tiers[0], { messages: [{ role: 'user', content: 'What is the capital of France?' }] });
          direct.push(performance.now() - t0);
        } catch {
          errors++;
        }
      });
      const viaPk: number[] = [];
      if (portkey) {
        await openLoop(rate, SECONDS, async () => {
          const t0 = performance.now();
          try {
            await viaPortkey();
            viaPk.push(performance.now() - t0);
          } catch {
            errors++;
          }
        });
      }
      // Exact per-request overhead: the pipeline's own time, i.e. its latency minus the time spent
      // inside upstream attempts (which includes the HTTP round trip a direct call pays too).
      const overhead = decisions.map((d) => d.latencyMs - d.attempts.reduce((t, a) => t + a.latencyMs, 0));
      const p = (xs: number[], q: number) => Number(pct(xs, q).toFixed(3));
      rows.push({
        rps: rate,
        requests: routed.length,
        errors,
        overhead_p50_ms: p(overhead, 50),
        overhead_p99_ms: p(overhead, 99),
        routed_p50_ms: p(routed, 50),
        routed_p99_ms: p(routed, 99),
        direct_p50_ms: p(direct, 50),
        direct_p99_ms: p(direct, 99),
        // Portkey's overhead as the difference of end-to-end percentiles (it is a separate HTTP hop).
        portkey_overhead_p50_ms: portkey ? Number((pct(viaPk, 50) - pct(direct, 50)).toFixed(3)) : null,
        portkey_overhead_p99_ms: portkey ? Number((pct(viaPk, 99) - pct(direct, 99)).toFixed(3)) : null,
        ours_vs_portkey_p99: portkey ? Number((pct(overhead, 99) / Math.max(1e-9, pct(viaPk, 99) - pct(direct, 99))).toFixed(3)) : null,
      });
    }
    portkey?.child.kill();
    await cache.close();
    await analyzer.close();
    await up.close();
    return { rows, summary: { upstreamLatencyMs: UPSTREAM_LATENCY_MS, secondsPerRate: SECONDS, decisionsRecorded: recorded, note: 'overhead = pipeline latency minus upstream attempt latency per request (in process, no HTTP transport); routed/direct = end-to-end at the same arrival rate; Portkey overhead = its end-to-end percentile minus the direct one and includes its extra HTTP hop, which ours (in process) does not: the ratio favours Cascade until it is measured behind server/http' } };
  },
};

export default suite;
