// TierRegistry: the live set of tiers — one TierClient (retry + breaker) per tier, the admission
// controller, the vLLM metrics scraper and periodic health checks — and the TierState snapshot
// routing's decide() consumes. buildTierState is the pure combination, kept apart for tests.
import { Admission, type AdmissionOptions, type AdmissionState } from './admission';
import { TierClient, type BreakerState, type TierClientOptions } from './client';
import { MetricsScraper, type ScraperOptions, type TierLoad } from './metrics-scraper';
import type { TierConfig, TierState } from './types';

export type { TierState } from './types';

export function buildTierState(
  tier: TierConfig,
  parts: { breaker: BreakerState; admission?: AdmissionState; load?: TierLoad; healthy?: boolean },
): TierState {
  const a = parts.admission;
  const admissionQueued = a?.queued ?? 0;
  const state: TierState = {
    name: tier.name,
    role: tier.role,
    enabled: tier.enabled,
    healthy: parts.healthy ?? true,
    breaker: parts.breaker,
    breakerOpen: parts.breaker === 'open',
    inFlight: a?.inFlight ?? 0,
    queued: admissionQueued + (parts.load?.waiting ?? 0),
    admissionQueued,
    maxConcurrency: a?.maxConcurrency ?? tier.maxConcurrency,
  };
  if (parts.load) {
    state.running = parts.load.running;
    state.waiting = parts.load.waiting;
    if (parts.load.kvCacheUsage != null) state.kvCacheUsage = parts.load.kvCacheUsage;
  }
  if (a?.p50LatencyMs != null) state.p50LatencyMs = a.p50LatencyMs;
  return state;
}

export interface TierRegistryOptions {
  client?: TierClientOptions;
  admission?: AdmissionOptions;
  scraper?: ScraperOptions;
  /** Health check period; 0 disables. Default 15 s. */
  healthIntervalMs?: number;
}

export class TierRegistry {
  readonly admission: Admission;
  readonly scraper: MetricsScraper;
  private readonly clients = new Map<string, TierClient>();
  private readonly healthy = new Map<string, boolean>();
  private healthTimer: NodeJS.Timeout | null = null;

  constructor(
    tiers: TierConfig[] = [],
    private readonly opts: TierRegistryOptions = {},
  ) {
    this.admission = new Admission(opts.admission);
    this.scraper = new MetricsScraper(opts.scraper);
    this.setTiers(tiers);
  }

  /** Applies the current tier list (e.g. after an admin edit); breakers survive config changes. */
  setTiers(tiers: TierConfig[]): void {
    const names = new Set(tiers.map((t) => t.name));
    for (const name of [...this.clients.keys()]) {
      if (names.has(name)) continue;
      this.clients.delete(name);
      this.healthy.delete(name);
      this.admission.remove(name);
    }
    for (const t of tiers) {
      const c = this.clients.get(t.name);
      if (c) c.update(t);
      else this.clients.set(t.name, new TierClient(t, this.opts.client));
      this.admission.configure(t);
    }
    this.scraper.setTiers(tiers);
  }

  client(name: string): TierClient | undefined {
    return this.clients.get(name);
  }

  tiers(): TierConfig[] {
    return [...this.clients.values()].map((c) => c.tier);
  }

  state(name: string): TierState | undefined {
    const c = this.clients.get(name);
    if (!c) return undefined;
    return buildTierState(c.tier, {
      breaker: c.breaker,
      admission: this.admission.state(name),
      load: this.scraper.load(name),
      healthy: this.healthy.get(name),
    });
  }

  /** Snapshot for decide(): a Map by tier name. */
  states(): Map<string, TierState> {
    return new Map([...this.clients.keys()].map((n) => [n, this.state(n)!]));
  }

  async checkHealth(): Promise<void> {
    await Promise.all(
      [...this.clients.values()].filter((c) => c.tier.enabled).map(async (c) => {
        const h = await c.health();
        this.healthy.set(c.tier.name, h.ok);
      }),
    );
  }

  start(): void {
    this.scraper.start();
    const every = this.opts.healthIntervalMs ?? 15_000;
    if (every > 0 && !this.healthTimer) {
      void this.checkHealth();
      this.healthTimer = setInterval(() => void this.checkHealth(), every);
      this.healthTimer.unref();
    }
  }

  stop(): void {
    this.scraper.stop();
    if (this.healthTimer) clearInterval(this.healthTimer);
    this.healthTimer = null;
  }
}
