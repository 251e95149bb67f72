// vLLM /metrics scraping as singleton work: the replica holding the 'vllm-metrics' lease scrapes
// and publishes each tier's load to the shared state; every other replica reads it from there at
// the same interval. So a GPU server is scraped once per interval however many replicas run, and
// all of them route on the same numbers.
import { MetricsScraper, type ScraperOptions, type TierLoad } from '../tiers/metrics-scraper';
import type { TierConfig } from '../tiers/types';
import type { Leadership, SharedState } from './types';

export class SharedScraper extends MetricsScraper {
  private names: string[] = [];
  private readonly shared = new Map<string, TierLoad>();
  private readonly sharedContexts = new Map<string, number>();
  private loop: NodeJS.Timeout | null = null;
  private readonly every: number;
  private readonly stale: number;

  constructor(
    private readonly lease: Leadership,
    private readonly state: SharedState,
    opts: ScraperOptions = {},
  ) {
    super(opts);
    this.every = opts.intervalMs ?? 5_000;
    this.stale = opts.staleAfterMs ?? 3 * this.every;
  }

  override setTiers(tiers: TierConfig[]): void {
    super.setTiers(tiers);
    this.names = tiers.filter((t) => t.kind === 'vllm' && t.enabled).map((t) => t.name);
  }

  override start(): void {
    if (this.loop) return;
    void this.syncRound();
    this.loop = setInterval(() => void this.syncRound(), this.every);
    this.loop.unref();
  }

  override stop(): void {
    if (this.loop) clearInterval(this.loop);
    this.loop = null;
  }

  override load(name: string, now = Date.now()): TierLoad | undefined {
    if (this.lease.isLeader()) return super.load(name, now);
    const l = this.shared.get(name);
    return l && now - l.scrapedAt <= this.stale ? l : undefined;
  }

  override contextTokens(name: string): number | undefined {
    return this.lease.isLeader() ? super.contextTokens(name) : this.sharedContexts.get(name);
  }

  /** One interval: scrape and publish (leader), or read what the leader published. */
  async syncRound(): Promise<void> {
    try {
      if (this.lease.isLeader()) {
        await this.scrapeNow();
        await Promise.all(this.names.map((n) => {
          const l = super.load(n);
          return l ? this.state.put(`tierload:${n}`, l, this.stale) : undefined;
        }));
        await Promise.all(this.names.map((n) => {
          const c = super.contextTokens(n);
          return c ? this.state.put(`tierctx:${n}`, c, 20 * this.stale) : undefined;
        }));
      } else {
        const values = await this.state.getMany([...this.names.map((n) => `tierload:${n}`), ...this.names.map((n) => `tierctx:${n}`)]);
        this.names.forEach((n, i) => {
          const v = values[i] as TierLoad | null;
          if (v) this.shared.set(n, v);
          else this.shared.delete(n);
          // A window is kept while the leader is away: it changes only when the server restarts.
          const c = values[this.names.length + i] as number | null;
          if (typeof c === 'number') this.sharedContexts.set(n, c);
        });
      }
    } catch {
      // Redis unreachable: the loads go stale and routing stops using them (never a wrong value)
    }
  }
}
