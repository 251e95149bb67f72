// Scrapes /metrics of vLLM tiers at an interval so routing sees the server's own queue and KV-cache
// pressure, not just our in-flight counts (other clients may share the GPU). One request per
// distinct server per round; a failed or stale scrape yields no load rather than a wrong one.
// The same round reads the server's /v1/models for the model's max_model_len, the context window
// routing uses for a tier whose admin has not entered one (a model served with a shorter
// --max-model-len than its card says is then not sent prompts it would refuse).
import { endpoint, rootUrl } from './http';
import { parseVllmMetrics, type TierLoad } from './vllm-metrics';
import type { TierConfig } from './types';

export type { TierLoad } from './vllm-metrics';

export interface ScraperOptions {
  intervalMs?: number;
  timeoutMs?: number;
  /** A load older than this is not reported. Default 3 × intervalMs. */
  staleAfterMs?: number;
  /** Tier kinds to scrape. Default ['vllm'] (add 'simulated' to watch the simulator). */
  kinds?: TierConfig['kind'][];
}

export interface ScrapeStatus {
  load: TierLoad | null;
  lastError: string | null;
  lastAttemptAt: number | null;
}

export class MetricsScraper {
  private tiers: TierConfig[] = [];
  private readonly status = new Map<string, ScrapeStatus>();
  /** max_model_len per tier from its server's /v1/models; kept when a later probe fails. */
  private readonly contexts = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly staleAfterMs: number;
  private readonly kinds: Set<string>;

  constructor(opts: ScraperOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 5_000;
    this.timeoutMs = opts.timeoutMs ?? 2_000;
    this.staleAfterMs = opts.staleAfterMs ?? 3 * this.intervalMs;
    this.kinds = new Set(opts.kinds ?? ['vllm']);
  }

  setTiers(tiers: TierConfig[]): void {
    this.tiers = tiers.filter((t) => this.kinds.has(t.kind) && t.enabled);
    const keep = new Set(this.tiers.map((t) => t.name));
    for (const name of this.status.keys()) if (!keep.has(name)) this.status.delete(name);
    for (const name of this.contexts.keys()) if (!keep.has(name)) this.contexts.delete(name);
  }

  start(): void {
    if (this.timer) return;
    void this.scrapeNow();
    this.timer = setInterval(() => void this.scrapeNow(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The tier's load if a scrape succeeded recently, else undefined. */
  load(name: string, now = Date.now()): TierLoad | undefined {
    const l = this.status.get(name)?.load;
    return l && now - l.scrapedAt <= this.staleAfterMs ? l : undefined;
  }

  /** The tier's max_model_len as its server's /v1/models last reported it, else undefined. */
  contextTokens(name: string): number | undefined {
    return this.contexts.get(name);
  }

  statusOf(name: string): ScrapeStatus | undefined {
    return this.status.get(name);
  }

  /** One round over all tiers; concurrent callers share the round in progress. */
  scrapeNow(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = null));
    return this.running;
  }

  private async round(): Promise<void> {
    await Promise.all([this.scrapeMetrics(), this.probeModels()]);
  }

  private async probeModels(): Promise<void> {
    const byUrl = new Map<string, TierConfig[]>();
    for (const t of this.tiers) {
      const url = endpoint(t, 'models');
      byUrl.set(url, [...(byUrl.get(url) ?? []), t]);
    }
    await Promise.all(
      [...byUrl].map(async ([url, tiers]) => {
        let lens: Map<string, number>;
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs), headers: authHeader(tiers[0]) });
          if (!res.ok) return;
          lens = maxModelLens(await res.json());
        } catch {
          return; // not every server answers /v1/models with max_model_len: routing keeps what it had
        }
        for (const t of tiers) {
          const n = lens.get(t.model);
          if (n !== undefined) this.contexts.set(t.name, n);
        }
      }),
    );
  }

  private async scrapeMetrics(): Promise<void> {
    const byUrl = new Map<string, TierConfig[]>();
    for (const t of this.tiers) {
      const url = `${rootUrl(t)}/metrics`;
      byUrl.set(url, [...(byUrl.get(url) ?? []), t]);
    }
    await Promise.all(
      [...byUrl].map(async ([url, tiers]) => {
        const at = Date.now();
        let text: string | null = null;
        let error: string | null = null;
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs), headers: authHeader(tiers[0]) });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          text = await res.text();
        } catch (err) {
          error = `scrape ${url}: ${(err as Error).message}`;
        }
        for (const t of tiers) {
          const prev = this.status.get(t.name);
          if (text === null) {
            this.status.set(t.name, { load: prev?.load ?? null, lastError: error, lastAttemptAt: at });
            continue;
          }
          try {
            this.status.set(t.name, { load: parseVllmMetrics(text, t.model, Date.now()), lastError: null, lastAttemptAt: at });
          } catch (err) {
            this.status.set(t.name, { load: prev?.load ?? null, lastError: (err as Error).message, lastAttemptAt: at });
          }
        }
      }),
    );
  }
}

/** model id -> max_model_len from an OpenAI /v1/models list (vLLM adds max_model_len to each entry). */
export function maxModelLens(body: unknown): Map<string, number> {
  const out = new Map<string, number>();
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return out;
  for (const m of data as { id?: unknown; max_model_len?: unknown }[]) {
    const n = m?.max_model_len;
    if (typeof m?.id === 'string' && typeof n === 'number' && Number.isInteger(n) && n > 0) out.set(m.id, n);
  }
  return out;
}

function authHeader(t: TierConfig): Record<string, string> {
  return t.apiKey ? { authorization: `Bearer ${t.apiKey}` } : {};
}
