// Admission control per tier: at most maxConcurrency calls in flight (matched to the tier's GPU
// capacity), the rest wait in a bounded priority queue — interactive, short queries are served
// before research fan-outs and batch jobs, FIFO within a class. A full queue answers
// QueueFullError with a Retry-After estimate, so the router can spill to another tier or send 429.
import { DomainError } from '../lib/errors';
import { TierError } from './errors';

/** Lower is served first. Numbers are accepted for finer control. */
export const PRIORITIES = { interactive: 0, standard: 1, research: 2, batch: 3 } as const;
export type Priority = keyof typeof PRIORITIES | number;

export class QueueFullError extends DomainError {
  readonly kind = 'queue_full' as const;
  constructor(
    readonly tier: string,
    readonly queued: number,
    readonly retryAfterMs: number,
    why = 'queue is full',
  ) {
    super('queue_full', `tier ${tier}: ${why} (${queued} waiting); retry after ${retryAfterMs} ms`);
  }
}

export interface Permit {
  /** Time spent waiting in the queue before this permit was granted. */
  readonly queueMs: number;
  /** Frees the slot. Idempotent. `record: false` keeps this call out of the latency statistics (e.g. a fast failure). */
  release(opts?: { record?: boolean }): void;
}

export interface AdmissionState {
  tier: string;
  inFlight: number;
  queued: number;
  maxConcurrency: number;
  maxQueue: number;
  /** Median latency of the last calls (grant to release), null before the first. */
  p50LatencyMs: number | null;
  /** Exponentially weighted moving average of the same latencies. */
  ewmaLatencyMs: number | null;
  ewmaQueueMs: number | null;
  rejected: number;
}

export interface AdmissionOptions {
  /** Queue bound per tier when configure() does not give one. Default 64. */
  maxQueue?: number;
  /** Calls kept for the median. Default 128. */
  latencyWindow?: number;
}

interface Waiter {
  priority: number;
  seq: number;
  enqueuedAt: number;
  grant: () => void;
  reject: (err: Error) => void;
}

interface TierSlot {
  name: string;
  maxConcurrency: number;
  maxQueue: number;
  inFlight: number;
  queue: Waiter[]; // sorted by (priority, seq)
  latencies: number[];
  latencyPos: number;
  ewmaLatency: number | null;
  ewmaQueue: number | null;
  rejected: number;
}

const ALPHA = 0.2;

export class Admission {
  private readonly tiers = new Map<string, TierSlot>();
  private seq = 0;
  private readonly maxQueue: number;
  private readonly window: number;

  constructor(opts: AdmissionOptions = {}) {
    this.maxQueue = opts.maxQueue ?? 64;
    this.window = opts.latencyWindow ?? 128;
  }

  /** Creates or updates a tier's limits; raising the limit admits waiters at once. */
  configure(tier: { name: string; maxConcurrency: number }, maxQueue = this.maxQueue): void {
    if (!Number.isInteger(tier.maxConcurrency) || tier.maxConcurrency < 1) {
      throw new RangeError(`tier ${tier.name}: maxConcurrency must be an integer >= 1, got ${tier.maxConcurrency}`);
    }
    if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError(`tier ${tier.name}: maxQueue must be an integer >= 0, got ${maxQueue}`);
    const slot = this.tiers.get(tier.name);
    if (slot) {
      slot.maxConcurrency = tier.maxConcurrency;
      slot.maxQueue = maxQueue;
      this.dispatch(slot);
      return;
    }
    this.tiers.set(tier.name, {
      name: tier.name, maxConcurrency: tier.maxConcurrency, maxQueue, inFlight: 0, queue: [],
      latencies: [], latencyPos: 0, ewmaLatency: null, ewmaQueue: null, rejected: 0,
    });
  }

  remove(name: string): void {
    const slot = this.tiers.get(name);
    if (!slot) return;
    for (const w of slot.queue.splice(0)) w.reject(new TierError('cancelled', `tier ${name} was removed`, { tier: name }));
    this.tiers.delete(name);
  }

  /**
   * Waits for a slot. Rejects with QueueFullError when the queue is full (a more urgent request
   * evicts the least urgent waiter instead), or TierError 'cancelled' when `signal` aborts.
   */
  acquire(tier: string | { name: string; maxConcurrency: number }, priority: Priority = 'standard', signal?: AbortSignal): Promise<Permit> {
    const name = typeof tier === 'string' ? tier : tier.name;
    if (typeof tier !== 'string' && !this.tiers.has(name)) this.configure(tier);
    const slot = this.tiers.get(name);
    if (!slot) return Promise.reject(new TierError('http_4xx', `unknown tier ${JSON.stringify(name)}: configure it first`, { tier: name }));
    const prio = typeof priority === 'number' ? priority : PRIORITIES[priority];
    if (!Number.isFinite(prio)) return Promise.reject(new RangeError(`unknown priority ${JSON.stringify(priority)}`));
    if (signal?.aborted) return Promise.reject(new TierError('cancelled', `tier ${name}: cancelled before admission`, { tier: name }));
    const requestedAt = performance.now();
    if (slot.inFlight < slot.maxConcurrency && slot.queue.length === 0) return Promise.resolve(this.grant(slot, requestedAt));

    if (slot.queue.length >= slot.maxQueue) {
      const last = slot.queue[slot.queue.length - 1];
      if (!last || last.priority <= prio) {
        slot.rejected++;
        return Promise.reject(new QueueFullError(name, slot.queue.length, this.retryAfter(slot)));
      }
      slot.queue.pop();
      slot.rejected++;
      last.reject(new QueueFullError(name, slot.queue.length, this.retryAfter(slot), 'evicted by a more urgent request'));
    }

    return new Promise<Permit>((resolve, reject) => {
      const onAbort = () => {
        const i = slot.queue.indexOf(waiter);
        if (i >= 0) slot.queue.splice(i, 1);
        reject(new TierError('cancelled', `tier ${name}: cancelled while queued`, { tier: name }));
      };
      const waiter: Waiter = {
        priority: prio,
        seq: this.seq++,
        enqueuedAt: requestedAt,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.grant(slot, requestedAt));
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      insertSorted(slot.queue, waiter);
    });
  }

  state(name: string): AdmissionState | undefined {
    const s = this.tiers.get(name);
    if (!s) return undefined;
    return {
      tier: s.name, inFlight: s.inFlight, queued: s.queue.length, maxConcurrency: s.maxConcurrency, maxQueue: s.maxQueue,
      p50LatencyMs: median(s.latencies), ewmaLatencyMs: s.ewmaLatency, ewmaQueueMs: s.ewmaQueue, rejected: s.rejected,
    };
  }

  /**
   * The counters the request path reads on every call (decide()'s tier states, the registry's
   * limit check), without state()'s latency median (a sort of the window per call).
   */
  peek(name: string): Pick<AdmissionState, 'inFlight' | 'queued' | 'maxConcurrency' | 'maxQueue'> | undefined {
    const s = this.tiers.get(name);
    return s && { inFlight: s.inFlight, queued: s.queue.length, maxConcurrency: s.maxConcurrency, maxQueue: s.maxQueue };
  }

  states(): AdmissionState[] {
    return [...this.tiers.keys()].map((n) => this.state(n)!);
  }

  private grant(slot: TierSlot, requestedAt: number): Permit {
    slot.inFlight++;
    const grantedAt = performance.now();
    const queueMs = grantedAt - requestedAt;
    slot.ewmaQueue = slot.ewmaQueue == null ? queueMs : slot.ewmaQueue + ALPHA * (queueMs - slot.ewmaQueue);
    let released = false;
    return {
      queueMs,
      release: (opts) => {
        if (released) return;
        released = true;
        slot.inFlight--;
        if (opts?.record !== false) this.recordLatency(slot, performance.now() - grantedAt);
        this.dispatch(slot);
      },
    };
  }

  private dispatch(slot: TierSlot): void {
    while (slot.inFlight < slot.maxConcurrency && slot.queue.length > 0) slot.queue.shift()!.grant();
  }

  private recordLatency(slot: TierSlot, ms: number): void {
    if (slot.latencies.length < this.window) slot.latencies.push(ms);
    else slot.latencies[slot.latencyPos] = ms;
    slot.latencyPos = (slot.latencyPos + 1) % this.window;
    slot.ewmaLatency = slot.ewmaLatency == null ? ms : slot.ewmaLatency + ALPHA * (ms - slot.ewmaLatency);
  }

  /** Time for the queue ahead to drain at the tier's observed speed; 1 s per wave before any data. */
  private retryAfter(slot: TierSlot): number {
    const per = median(slot.latencies) ?? 1000;
    const waves = Math.ceil((slot.queue.length + 1) / slot.maxConcurrency);
    return Math.min(60_000, Math.max(100, Math.round(waves * per)));
  }
}

function insertSorted(queue: Waiter[], w: Waiter): void {
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const q = queue[mid];
    if (q.priority < w.priority || (q.priority === w.priority && q.seq < w.seq)) lo = mid + 1;
    else hi = mid;
  }
  queue.splice(lo, 0, w);
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
