// Where one request's wall time goes, stage by stage, for latency work on the hot path. Off unless
// the process starts with CASCADE_TRACE_STAGES=1 (read once at load): every call site is
// `if (STAGE_TRACE) mark(key, 'stage')`, so when off a request pays one constant check per site.
// A request's trace is keyed by an object the whole path already carries (its AbortSignal);
// mark() records the time since the previous mark under the new stage's name; sample() records a
// duration that is not on the request's chain (work after the response, a hop inside a stage).
// The bench's Cascade child prints stageSummary() on SIGUSR2 (bench/lib/cascade-server.ts).
// CASCADE_TRACE_STAGES=cpu times the same stages by the process's CPU time instead of the clock:
// under valgrind (bench/lib/instructions.ts) CPU time runs in proportion to instructions, so the
// stage table becomes a per-stage instruction breakdown that other processes cannot disturb.
import { subscribe } from 'node:diagnostics_channel';

const MODE = process.env.CASCADE_TRACE_STAGES;
export const STAGE_TRACE = MODE === '1' || MODE === 'cpu';

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
/** The trace's clock in ms: wall time, or CPU time in cpu mode. */
export const traceNow: () => number = MODE === 'cpu' ? cpuNow : () => performance.now();

interface Trace {
  t0: number;
  last: number;
}

const open = new WeakMap<object, Trace>();
let samples = new Map<string, number[]>();
const MAX_SAMPLES = 50_000;

export function sample(name: string, ms: number): void {
  let a = samples.get(name);
  if (!a) samples.set(name, (a = []));
  if (a.length < MAX_SAMPLES) a.push(ms);
}

/** Starts a request's trace at `t0` (default now). */
export function traceStart(key: object, t0 = traceNow()): void {
  open.set(key, { t0, last: t0 });
}

/** Makes `alias` name the same trace as `key` (e.g. the HTTP response and the request's AbortSignal). */
export function traceAlias(key: object, alias: object): void {
  const t = open.get(key);
  if (t) open.set(alias, t);
}

/** Time since the previous mark of this request, recorded as `stage`; a no-op for untraced keys. */
export function mark(key: object | null | undefined, stage: string): void {
  const t = key ? open.get(key) : undefined;
  if (!t) return;
  const now = traceNow();
  sample(stage, now - t.last);
  t.last = now;
}

/** Last mark of a request: also records its whole time as `total`. */
export function traceEnd(key: object, stage: string): void {
  const t = open.get(key);
  if (!t) return;
  mark(key, stage);
  sample('total', t.last - t.t0);
  open.delete(key); // an alias goes with its key (WeakMap)
}

const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Per stage, in first-seen order: count and p50 / p90 / p99 / mean in ms. Resets the samples. */
export function stageSummary(): Record<string, { n: number; p50: number; p90: number; p99: number; mean: number }> {
  const out: Record<string, { n: number; p50: number; p90: number; p99: number; mean: number }> = {};
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  for (const [name, a] of samples) {
    const s = [...a].sort((x, y) => x - y);
    out[name] = { n: s.length, p50: r3(q(s, 50)), p90: r3(q(s, 90)), p99: r3(q(s, 99)), mean: r3(s.reduce((x, y) => x + y, 0) / s.length) };
  }
  samples = new Map();
  return out;
}

// The upstream call, split by undici's diagnostics channels (server/tiers/transport.ts uses undici):
// create -> headers written (dispatch), -> response headers (upstream's time plus our wait to read
// them), -> body end. `up.prep` (admission to undici's create) and `up.after` (body end to the
// registry's return: JSON parse, CallGuard, cockatiel) use the last call's times, so they are
// exact only with one request in flight (the 1-connection run).
let lastAdmit = 0;
let lastEnd = 0;
if (STAGE_TRACE) {
  const at = new WeakMap<object, number>();
  const step = (channel: string, name: string | null, first = false) =>
    subscribe(channel, (msg) => {
      const req = (msg as { request: object }).request;
      const now = traceNow();
      if (first) {
        if (lastAdmit) sample('up.prep', now - lastAdmit);
      } else {
        const t = at.get(req);
        if (t !== undefined && name) sample(name, now - t);
      }
      at.set(req, now);
      if (channel === 'undici:request:trailers') lastEnd = now;
    });
  step('undici:request:create', null, true);
  step('undici:client:sendHeaders', 'up.dispatch');
  step('undici:request:headers', 'up.wait');
  step('undici:request:trailers', 'up.body');
}

/** The registry admitted a call / got its answer back (see above). */
export function upstreamAdmitted(): void {
  lastAdmit = traceNow();
}
export function upstreamReturned(): void {
  if (lastEnd) sample('up.after', traceNow() - lastEnd);
}
