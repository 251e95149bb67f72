// A counting semaphore per tier held in Redis, so a tier's max concurrency and queue bound hold
// across every replica. Holders and waiters have leases: a replica that dies (kill -9, lost
// network) stops renewing, and its slots and queue places expire after leaseMs / waiterLeaseMs.
// Waiters are ordered by (priority, arrival) in one sorted set; a release publishes a wake-up on
// the tier's channel and each replica re-polls its most urgent waiters, with a slow poll as the
// fallback for a lost message.
import { randomUUID } from 'node:crypto';
import { QueueFullError } from '../tiers/admission';
import { TierError } from '../tiers/errors';
import type { RedisConn } from './redis-conn';

/** Redis could not be asked (down, unreachable): the caller decides how to degrade. */
export class CoordinationUnavailable extends Error {
  constructor(cause: unknown) {
    super(`coordination unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'CoordinationUnavailable';
  }
}

export interface SemaphoreOptions {
  prefix: string;
  /** Holder lease; renewed every leaseMs / 3 while held. Default 10 s. */
  leaseMs?: number;
  /** A waiter's place expires unless it polls within this. Default 5 s. */
  waiterLeaseMs?: number;
  /** Fallback poll of a waiter when no wake-up arrives. Default 250 ms. */
  pollMs?: number;
}

export interface GlobalView {
  holders: number;
  queued: number;
}

interface Waiter {
  id: string;
  score: number;
  polling: boolean;
  wake: () => void;
}

export class RedisSemaphore {
  private readonly leaseMs: number;
  private readonly waiterLeaseMs: number;
  private readonly pollMs: number;
  private readonly held = new Map<string, Set<string>>(); // tier -> permit ids
  private readonly waiting = new Map<string, Set<Waiter>>();
  private readonly views = new Map<string, GlobalView>();
  private readonly unsub = new Map<string, () => void>();
  private readonly renewTimer: NodeJS.Timeout;

  constructor(
    private readonly conn: RedisConn,
    private readonly o: SemaphoreOptions,
  ) {
    this.leaseMs = o.leaseMs ?? 10_000;
    this.waiterLeaseMs = o.waiterLeaseMs ?? 5_000;
    this.pollMs = o.pollMs ?? 250;
    this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
  }

  private keys(tier: string) {
    const base = `${this.o.prefix}sem:{${tier}}`;
    return { holders: `${base}:h`, queue: `${base}:q`, wlease: `${base}:w`, channel: `${base}:wake` };
  }

  /** Last counts Redis reported for the tier (all replicas), for decide()'s spill check. */
  view(tier: string): GlobalView | undefined {
    return this.views.get(tier);
  }

  async acquire(tier: string, o: { limit: number; maxQueue: number; priority: number; signal?: AbortSignal }): Promise<{ queueMs: number; release(): void }> {
    const k = this.keys(tier);
    const t0 = performance.now();
    const id = randomUUID();
    // priority classes first, then arrival order; the class is clamped so the score stays an exact double
    const score = Math.min(Math.max(Math.round(o.priority), 0), 800) * 1e13 + Date.now();
    const poll = async (queued: boolean) => {
      const r = (await this.conn.run('semAcquire', [k.holders, k.queue, k.wlease], [Date.now(), this.leaseMs, o.limit, o.maxQueue, id, score, queued ? 1 : 0, this.waiterLeaseMs])) as [number, number, number, string];
      this.views.set(tier, { holders: r[1], queued: r[2] });
      if (r[3]) this.evicted(tier, r[3]);
      return r[0];
    };
    const granted = () => {
      let set = this.held.get(tier);
      if (!set) this.held.set(tier, (set = new Set()));
      set.add(id);
      let done = false;
      return {
        queueMs: performance.now() - t0,
        release: () => {
          if (done) return;
          done = true;
          set.delete(id);
          void this.conn.run('semRelease', [k.holders, k.queue], [id, k.channel]).catch(() => undefined);
        },
      };
    };
    let first: number;
    try {
      first = await poll(false);
    } catch (err) {
      throw new CoordinationUnavailable(err);
    }
    if (first === 1) return granted();
    if (first === -1) throw new QueueFullError(tier, this.views.get(tier)?.queued ?? 0, this.retryAfter(tier, o.limit), 'queue is full across replicas');
    return this.wait(tier, id, score, o.limit, o.signal, poll, granted);
  }

  private wait<P>(tier: string, id: string, score: number, limit: number, signal: AbortSignal | undefined, poll: (queued: boolean) => Promise<number>, granted: () => P): Promise<P> {
    const k = this.keys(tier);
    this.listen(tier);
    return new Promise<P>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      const set = this.waiting.get(tier) ?? new Set<Waiter>();
      this.waiting.set(tier, set);
      const finish = () => {
        set.delete(w);
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        finish();
        void this.conn.run('semLeave', [k.queue, k.wlease], [id]).catch(() => undefined);
        reject(new TierError('cancelled', `tier ${tier}: cancelled while queued`, { tier }));
      };
      const step = () => {
        if (w.polling || !set.has(w)) return;
        w.polling = true;
        if (timer) clearTimeout(timer);
        poll(true).then(
          (status) => {
            w.polling = false;
            if (!set.has(w)) {
              // aborted while the poll was in flight: a grant must be handed back
              if (status === 1) void this.conn.run('semRelease', [k.holders, k.queue], [id, k.channel]).catch(() => undefined);
              return;
            }
            if (status === 1) {
              finish();
              resolve(granted());
              // more slots may be free (several releases at once): let the next local waiter try
              const v = this.views.get(tier);
              if (v && v.holders < limit) this.wakeNext(tier);
            } else if (status === -2) {
              finish();
              reject(new QueueFullError(tier, this.views.get(tier)?.queued ?? 0, this.retryAfter(tier, 1), 'evicted by a more urgent request'));
            } else timer = setTimeout(step, this.pollMs);
          },
          (err: unknown) => {
            w.polling = false;
            finish();
            reject(new CoordinationUnavailable(err));
          },
        );
      };
      const w: Waiter = { id, score, polling: false, wake: step };
      set.add(w);
      signal?.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(step, this.pollMs);
    });
  }

  private evicted(tier: string, id: string): void {
    for (const w of this.waiting.get(tier) ?? []) if (w.id === id) w.wake();
  }

  private listen(tier: string): void {
    if (this.unsub.has(tier)) return;
    // A release anywhere: poll this replica's most urgent waiters (the others stay asleep).
    this.unsub.set(tier, this.conn.on(this.keys(tier).channel, () => {
      this.wakeNext(tier);
    }));
  }

  private wakeNext(tier: string): void {
    let best: Waiter | null = null;
    for (const w of this.waiting.get(tier) ?? []) if (!w.polling && (!best || w.score < best.score)) best = w;
    best?.wake();
  }

  private async renew(): Promise<void> {
    const expiry = Date.now() + this.leaseMs;
    await Promise.all(
      [...this.held].filter(([, ids]) => ids.size > 0).map(([tier, ids]) => this.conn.run('semRenew', [this.keys(tier).holders], [expiry, this.leaseMs * 4, ...ids]).catch(() => undefined)),
    );
  }

  private retryAfter(tier: string, limit: number): number {
    const queued = this.views.get(tier)?.queued ?? 0;
    return Math.min(60_000, Math.max(100, Math.ceil((queued + 1) / Math.max(1, limit)) * 1000));
  }

  /** Hands back every slot this process holds (shutdown): other replicas need not wait for expiry. */
  async close(): Promise<void> {
    clearInterval(this.renewTimer);
    for (const f of this.unsub.values()) f();
    const all = [...this.held].flatMap(([tier, ids]) => [...ids].map((id) => this.conn.run('semRelease', [this.keys(tier).holders, this.keys(tier).queue], [id, this.keys(tier).channel])));
    await Promise.allSettled(all);
  }
}
