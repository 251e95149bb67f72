// Admission whose limits hold across replicas: the gateway's Admission (same API, so the tier
// registry needs no change) with every grant also taken from the tier's Redis semaphore. The local
// part only keeps this replica's statistics (latency, queue time) and is never the bottleneck:
// queueing and priorities are global, so an urgent request on one replica is served before a
// batch request waiting on another. While Redis cannot be reached, each replica falls back to
// enforcing the limits alone (so N replicas may admit up to N x the limit): serving on with a
// looser limit beats failing every request.
import { Admission, PRIORITIES, type AdmissionState, type Permit, type Priority } from '../tiers/admission';
import { TierError } from '../tiers/errors';
import { CoordinationUnavailable, type RedisSemaphore } from './redis-semaphore';

/** The local Admission must never queue: the global semaphore does. */
const LOCAL_UNBOUNDED = 1_000_000;

interface Limits {
  maxConcurrency: number;
  maxQueue: number;
  waiting: number;
}

export class SharedAdmission extends Admission {
  private readonly limits = new Map<string, Limits>();
  private readonly defaultQueue: number;
  /** This replica's own limits, used only while Redis is unreachable. */
  private readonly fallback: Admission;
  private degradedSince: number | null = null;

  constructor(
    private readonly sem: RedisSemaphore,
    opts: { maxQueue?: number } = {},
  ) {
    super({ maxQueue: LOCAL_UNBOUNDED });
    this.defaultQueue = opts.maxQueue ?? 64;
    this.fallback = new Admission({ maxQueue: this.defaultQueue });
  }

  override configure(tier: { name: string; maxConcurrency: number }, maxQueue = this.defaultQueue): void {
    if (!Number.isInteger(tier.maxConcurrency) || tier.maxConcurrency < 1) {
      throw new RangeError(`tier ${tier.name}: maxConcurrency must be an integer >= 1, got ${tier.maxConcurrency}`);
    }
    if (!Number.isInteger(maxQueue) || maxQueue < 0) throw new RangeError(`tier ${tier.name}: maxQueue must be an integer >= 0, got ${maxQueue}`);
    const l = this.limits.get(tier.name);
    this.limits.set(tier.name, { maxConcurrency: tier.maxConcurrency, maxQueue, waiting: l?.waiting ?? 0 });
    this.fallback.configure(tier, maxQueue);
    super.configure({ name: tier.name, maxConcurrency: LOCAL_UNBOUNDED }, LOCAL_UNBOUNDED);
  }

  override remove(name: string): void {
    this.limits.delete(name);
    this.fallback.remove(name);
    super.remove(name);
  }

  override async acquire(tier: string | { name: string; maxConcurrency: number }, priority: Priority = 'standard', signal?: AbortSignal): Promise<Permit> {
    const name = typeof tier === 'string' ? tier : tier.name;
    if (typeof tier !== 'string' && !this.limits.has(name)) this.configure(tier);
    const l = this.limits.get(name);
    if (!l) throw new TierError('http_4xx', `unknown tier ${JSON.stringify(name)}: configure it first`, { tier: name });
    const prio = typeof priority === 'number' ? priority : PRIORITIES[priority];
    if (!Number.isFinite(prio)) throw new RangeError(`unknown priority ${JSON.stringify(priority)}`);
    if (signal?.aborted) throw new TierError('cancelled', `tier ${name}: cancelled before admission`, { tier: name });
    l.waiting++;
    let global: { queueMs: number; release(): void };
    try {
      global = await this.sem.acquire(name, { limit: l.maxConcurrency, maxQueue: l.maxQueue, priority: prio, signal });
      this.degradedSince = null;
    } catch (err) {
      if (!(err instanceof CoordinationUnavailable)) throw err;
      this.degradedSince ??= Date.now();
      global = await this.fallback.acquire(name, priority, signal);
    } finally {
      l.waiting--;
    }
    let local: Permit;
    try {
      local = await super.acquire(name, priority, signal);
    } catch (err) {
      global.release();
      throw err;
    }
    return {
      queueMs: global.queueMs,
      release: (opts) => {
        global.release();
        local.release(opts);
      },
    };
  }

  /** Since when admission runs on this replica's own limits (Redis unreachable), or null. */
  get degraded(): number | null {
    return this.degradedSince;
  }

  /** decide()'s view: every replica's holders and waiters, as last reported by Redis. */
  override peek(name: string): Pick<AdmissionState, 'inFlight' | 'queued' | 'maxConcurrency' | 'maxQueue'> | undefined {
    const l = this.limits.get(name);
    if (!l) return undefined;
    const g = this.sem.view(name);
    const local = super.peek(name);
    return { inFlight: g?.holders ?? local?.inFlight ?? 0, queued: Math.max(g?.queued ?? 0, l.waiting), maxConcurrency: l.maxConcurrency, maxQueue: l.maxQueue };
  }

  override state(name: string): AdmissionState | undefined {
    const s = super.state(name);
    const p = this.peek(name);
    return s && p ? { ...s, ...p } : s;
  }

  override states(): AdmissionState[] {
    return [...this.limits.keys()].map((n) => this.state(n)).filter((s): s is AdmissionState => !!s);
  }
}
