// One autocannon run against a chat-completions endpoint. autocannon's `overallRate` caps each
// connection at rate/connections requests per second (a per-second quota, not a Poisson arrival
// process), so connections are sized from the target's warm-up latency: just enough that the quota
// spreads over the second instead of arriving as a burst. Latencies are taken from autocannon's
// per-response event (float ms) because its histogram keeps whole milliseconds only.
import autocannon from 'autocannon';
import { cpuMs } from './processes';

export interface LoadTarget {
  label: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  /** Body of request number i (unique prompts make every Cascade request a cache miss). */
  body(i: number): string;
  /** Process answering the requests, for CPU time per request. */
  pid?: number;
}

export interface LoadResult {
  /** 2xx responses per second actually achieved. */
  rps: number;
  ok: number;
  failed: number;
  p50: number;
  p99: number;
  connections: number;
  /** CPU time of the target's process per answered request (ms), when readable. */
  cpuMsPerRequest: number | null;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

let seq = 0;

/** rate null: unthrottled (max throughput) with `connections` connections. */
/** Latencies (ms, any order) and CPU readings of a run to its result. */
function summarize(times: number[], failed: number, opts: { seconds: number; connections: number }, cpu0: number | null, cpu1: number | null): LoadResult {
  times.sort((a, b) => a - b);
  return {
    rps: times.length / opts.seconds,
    ok: times.length,
    failed,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    connections: opts.connections,
    cpuMsPerRequest: cpu0 !== null && cpu1 !== null && times.length > 0 ? (cpu1 - cpu0) / times.length : null,
  };
}

export async function runLoad(t: LoadTarget, opts: { rate: number | null; seconds: number; connections: number }): Promise<LoadResult> {
  const times: number[] = [];
  let failed = 0;
  const cpu0 = cpuMs(t.pid);
  const instance = autocannon({
    url: t.url,
    connections: opts.connections,
    duration: opts.seconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: t.path,
        headers: { 'content-type': 'application/json', ...t.headers },
        setupRequest: (req: Record<string, unknown>) => ({ ...req, body: t.body(seq++) }),
      },
    ],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) times.push(ms);
    else failed++;
  });
  const result = await instance;
  failed += result.errors + result.timeouts;
  const cpu1 = cpuMs(t.pid);
  return summarize(times, failed, opts, cpu0, cpu1);
}

/** Sequential warm-up requests; returns their median latency (ms). */
export async function warmUp(t: LoadTarget, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(`${t.url}${t.path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...t.headers }, body: t.body(seq++) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${t.label}: warm-up request answered ${res.status}: ${text.slice(0, 300)}`);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return percentile(times, 50);
}

/**
 * Open-loop load at an even pace: request i is sent at start + i/rate whatever the earlier answers
 * did, over a keep-alive pool of up to `connections` sockets (undici), and its latency counts from
 * that scheduled time (a late send counts against the target, no coordinated omission). autocannon's
 * overallRate instead lets every connection send its per-second quota back to back from the start of
 * each second, so N connections arrive as bursts of N concurrent requests: at "100 req/s" (5
 * connections) the router sees waves of 5 simultaneous requests and the last waits for the other
 * four's CPU work. This is what "N requests per second" means for the overhead goal.
 */
export async function runPaced(t: LoadTarget, opts: { rate: number; seconds: number; connections: number }): Promise<LoadResult> {
  const { Pool } = await import('undici');
  const pool = new Pool(t.url, { connections: opts.connections, pipelining: 1 });
  const times: number[] = [];
  let failed = 0;
  const total = Math.round(opts.rate * opts.seconds);
  const cpu0 = cpuMs(t.pid);
  const start = performance.now() + 5;
  const one = async (i: number) => {
    const at = start + (i * 1000) / opts.rate;
    const wait = at - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    try {
      const res = await pool.request({ method: 'POST', path: t.path, headers: { 'content-type': 'application/json', ...t.headers }, body: t.body(seq++) });
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) times.push(performance.now() - at);
      else failed++;
    } catch {
      failed++;
    }
  };
  await Promise.all(Array.from({ length: total }, (_, i) => one(i)));
  const cpu1 = cpuMs(t.pid);
  await pool.close();
  return summarize(times, failed, opts, cpu0, cpu1);
}
