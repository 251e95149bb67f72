// The tier registry: per tier a TierClient (retry with backoff + jitter, circuit breaker) behind the
// shared Admission (concurrency limit + bounded priority queue). Its states() feed decide(): breaker
// position, our queue depth, plus vLLM's waiting requests when the scraper has them. vLLM tiers
// (kind 'vllm') are scraped by default: their /metrics num_requests_waiting joins `queued`, so the
// policy's spill limit also sees the server's own queue (other clients may share the GPU).
// Production and tests build the same registry, so every pipeline test exercises admission and breakers.
import { mark, STAGE_TRACE, upstreamAdmitted, upstreamReturned } from '../lib/stage-trace';
import { Admission } from './admission';
import { TierError } from './errors';
import { TierClient, type TierClientOptions } from './client';
import { MetricsScraper, type ScraperOptions } from './metrics-scraper';
import { callEmbeddings } from './embeddings';
import { DEFAULT_CAPABILITIES, type TierCapabilities } from './capabilities';
import type { ChatRequest, TierCallOptions, TierConfig, TierInvoker, TierState } from './types';

/** Where the registry reads the configured tiers from (reloaded after admin edits). */
export interface TierSource {
  list(): TierConfig[];
  byName(name: string): TierConfig | undefined;
}

/** Tiers as the gateway sees them: config, live state for decide(), and the calls. */
export interface TierRegistry extends TierInvoker {
  list(): TierConfig[];
  states(): Record<string, TierState>;
  admission: Admission;
  client(name: string): TierClient | undefined;
  /** null when vllmMetrics is false. */
  scraper: MetricsScraper | null;
  /** POST /embeddings on an embedding tier, admitted like a chat call (its concurrency limit and queue). */
  embeddings(tier: TierConfig, body: Record<string, unknown>, opts?: TierCallOptions): Promise<Record<string, unknown>>;
  stop(): void;
}

export interface RegistryOptions {
  directory: TierSource;
  admission?: Admission;
  client?: TierClientOptions;
  /** Requests waiting inside the tier's own server (vLLM num_requests_waiting), when scraped. */
  upstreamWaiting?: (tier: string) => number | null | undefined;
  /** Scraping of vLLM tiers' /metrics (default on, every 5 s; started with the first vLLM tier); false: off. */
  vllmMetrics?: ScraperOptions | false;
  /** A scraper to use instead of a new one (e.g. one that shares its scrapes across replicas). */
  scraper?: MetricsScraper;
}

export function createTierRegistry(o: RegistryOptions): TierRegistry {
  const admission = o.admission ?? new Admission();
  const clients = new Map<string, TierClient>();
  // Capabilities with the probed context window, per config object and window (states() runs per request).
  const probed = new WeakMap<TierConfig, { window: number; caps: TierCapabilities }>();
  const withWindow = (t: TierConfig, window: number): TierCapabilities => {
    const hit = probed.get(t);
    if (hit?.window === window) return hit.caps;
    const caps = { ...(t.capabilities ?? DEFAULT_CAPABILITIES), contextTokens: window };
    probed.set(t, { window, caps });
    return caps;
  };
  const scraper = o.vllmMetrics === false ? null : (o.scraper ?? new MetricsScraper({ ...o.vllmMetrics, kinds: ['vllm'] }));
  // The directory reloads after admin edits (new config objects): the scraper follows on the next
  // states() call, and its timer starts only once a vLLM tier exists.
  let scraped: TierConfig[] = [];
  const syncScraper = (tiers: TierConfig[]) => {
    if (!scraper) return;
    const vllm = tiers.filter((t) => t.kind === 'vllm' && t.enabled);
    if (vllm.length === scraped.length && vllm.every((t, i) => t === scraped[i])) return;
    scraped = vllm;
    scraper.setTiers(vllm);
    if (vllm.length > 0) scraper.start();
  };

  // Clients keep their breaker's memory across config edits; admission follows maxConcurrency.
  const clientFor = (name: string): TierClient | undefined => {
    const cfg = o.directory.byName(name);
    if (!cfg) return undefined;
    let c = clients.get(name);
    if (!c) clients.set(name, (c = new TierClient(cfg, o.client)));
    else if (c.tier !== cfg) c.update(cfg);
    const st = admission.peek(name);
    if (!st || st.maxConcurrency !== cfg.maxConcurrency) admission.configure(cfg, st?.maxQueue);
    return c;
  };
  const need = (name: string) => {
    const c = clientFor(name);
    if (!c) throw new TierError('bad_response', `tier ${name} is not configured`, { tier: name });
    return c;
  };
  const admit = async (name: string, opts: TierCallOptions) => {
    const permit = await admission.acquire(name, opts.priority ?? 'standard', opts.signal);
    opts.onAdmitted?.(permit.queueMs);
    return permit;
  };

  return {
    admission,
    client: (name) => clients.get(name),
    list: () => o.directory.list(),
    tier: (name) => o.directory.byName(name),
    scraper,
    stop: () => scraper?.stop(),
    states: () => {
      const out: Record<string, TierState> = {};
      const tiers = o.directory.list();
      syncScraper(tiers);
      for (const t of tiers) {
        const c = clients.get(t.name);
        const load = t.kind === 'vllm' ? scraper?.load(t.name) : undefined;
        const waiting = o.upstreamWaiting?.(t.name) ?? load?.waiting ?? 0;
        const s: TierState = { enabled: t.enabled, breaker: c?.breaker ?? 'closed', queued: (admission.peek(t.name)?.queued ?? 0) + (Number.isFinite(waiting) ? Math.max(0, waiting) : 0) };
        if (load) {
          s.waiting = load.waiting;
          if (load.kvCacheUsage !== null) s.kvCacheUsage = load.kvCacheUsage;
        }
        if (t.capabilities) s.capabilities = t.capabilities;
        // An admin's context window wins; without one, the window the vLLM server reports.
        const window = t.kind === 'vllm' && (t.capabilities?.contextTokens ?? null) === null ? scraper?.contextTokens(t.name) : undefined;
        if (window !== undefined) s.capabilities = withWindow(t, window);
        if (t.requestFields?.reject.length) s.rejectFields = t.requestFields.reject;
        out[t.name] = s;
      }
      return out;
    },
    async chat(name: string, req: ChatRequest, opts: TierCallOptions = {}) {
      const c = need(name);
      if (STAGE_TRACE) mark(opts.signal, 'tier.need');
      const permit = await admit(name, opts);
      if (STAGE_TRACE) {
        mark(opts.signal, 'tier.admit');
        upstreamAdmitted();
      }
      try {
        const out = await c.chat(req, { signal: opts.signal });
        if (STAGE_TRACE) {
          upstreamReturned();
          mark(opts.signal, 'tier.upstream');
        }
        return out;
      } finally {
        permit.release();
      }
    },
    async embeddings(tier: TierConfig, body: Record<string, unknown>, opts: TierCallOptions = {}) {
      const st = admission.peek(tier.name);
      if (!st || st.maxConcurrency !== tier.maxConcurrency) admission.configure(tier, st?.maxQueue);
      const permit = await admit(tier.name, opts);
      try {
        return await callEmbeddings(tier, body, opts.signal);
      } finally {
        permit.release();
      }
    },
    async *chatStream(name: string, req: ChatRequest, opts: TierCallOptions = {}) {
      const c = need(name);
      const permit = await admit(name, opts);
      try {
        yield* c.chatStream(req, { signal: opts.signal });
      } finally {
        permit.release();
      }
    },
  };
}
