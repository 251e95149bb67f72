// Router overhead: what Cascade adds to a request on a cache miss (assess with the real ONNX model,
// decide, admission + breaker, execute, cache lookup + store, decision record handed to the sink),
// measured per request as (pipeline latency - upstream attempt latency), under open-loop load at
// 100 / 500 / 1,000 requests/s against a fixed-latency fake upstream on loopback. A direct call to
// the same upstream is measured alongside as the baseline end-to-end latency.
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
      });
    }
    await cache.close();
    await analyzer.close();
    await up.close();
    return { rows, summary: { upstreamLatencyMs: UPSTREAM_LATENCY_MS, secondsPerRate: SECONDS, decisionsRecorded: recorded, note: 'overhead = pipeline latency minus upstream attempt latency per request (in process, no HTTP transport); routed/direct = end-to-end at the same arrival rate; Portkey comparison not implemented' } };
  },
};

export default suite;
