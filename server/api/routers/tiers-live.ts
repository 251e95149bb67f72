// The tiers page's live view: per tier the gateway's own admission counts (in flight, queued, limit,
// latencies), the circuit breaker, and for vLLM tiers the scraped server gauges. Pure: the tRPC
// procedure passes in what the running registry knows; this decides the health word and its reason.
import type { AdmissionState } from '../../tiers/admission';
import type { ScrapeStatus } from '../../tiers/metrics-scraper';
import type { TierConfig } from '../../tiers/types';

export type LiveHealth = 'ok' | 'busy' | 'saturated' | 'recovering' | 'down' | 'degraded' | 'disabled';

export interface LiveTier {
  name: string;
  role: TierConfig['role'];
  kind: TierConfig['kind'];
  enabled: boolean;
  health: LiveHealth;
  /** Why the health is what it is, in plain words. */
  reason: string;
  breaker: 'closed' | 'open' | 'half-open';
  inFlight: number;
  /** Waiting in our admission queue. */
  queued: number;
  maxConcurrency: number;
  maxQueue: number | null;
  /** Calls refused because the queue was full, since start. */
  rejected: number;
  /** Median / moving-average call latency and queue wait of recent calls; null before the first call. */
  p50LatencyMs: number | null;
  ewmaLatencyMs: number | null;
  ewmaQueueMs: number | null;
  /** vLLM /metrics (only for scraped tiers): null gauges when not scraped or stale. */
  upstream: { running: number | null; waiting: number | null; kvCacheUsage: number | null; scrapedAt: number | null; error: string | null; maxModelLen: number | null } | null;
}

export interface LiveParts {
  breaker(name: string): 'closed' | 'open' | 'half-open' | undefined;
  admission(name: string): AdmissionState | undefined;
  /** Fresh load (stale ones are not reported) and the last scrape's status. */
  scrape(name: string): { fresh: { running: number; waiting: number; kvCacheUsage: number | null; scrapedAt: number } | undefined; status: ScrapeStatus | undefined; maxModelLen?: number } | undefined;
}

export function liveTier(t: TierConfig, parts: LiveParts): LiveTier {
  const a = parts.admission(t.name);
  const breaker = parts.breaker(t.name) ?? 'closed';
  const inFlight = a?.inFlight ?? 0;
  const queued = a?.queued ?? 0;
  const maxConcurrency = a?.maxConcurrency ?? t.maxConcurrency;
  const maxQueue = a?.maxQueue ?? null;
  const scraped = t.kind === 'vllm' ? parts.scrape(t.name) : undefined;
  const upstream =
    t.kind === 'vllm'
      ? {
          running: scraped?.fresh?.running ?? null,
          waiting: scraped?.fresh?.waiting ?? null,
          kvCacheUsage: scraped?.fresh?.kvCacheUsage ?? null,
          scrapedAt: scraped?.fresh?.scrapedAt ?? null,
          error: scraped?.status?.lastError ?? null,
          maxModelLen: scraped?.maxModelLen ?? null,
        }
      : null;

  let health: LiveHealth;
  let reason: string;
  if (!t.enabled) [health, reason] = ['disabled', 'not routed to'];
  else if (breaker === 'open') [health, reason] = ['down', 'circuit breaker open after consecutive failures'];
  else if (breaker === 'half-open') [health, reason] = ['recovering', 'circuit breaker half-open: a probe call decides'];
  else if (maxQueue !== null && maxQueue > 0 && queued >= maxQueue) [health, reason] = ['saturated', `admission queue full (${queued} of ${maxQueue})`];
  else if (upstream?.error) [health, reason] = ['degraded', `metrics not scraped: ${upstream.error}`];
  else if (queued > 0 || (upstream?.waiting ?? 0) > 0) [health, reason] = ['busy', `${queued + (upstream?.waiting ?? 0)} waiting`];
  else [health, reason] = ['ok', inFlight > 0 ? `${inFlight} in flight` : 'idle'];

  return {
    name: t.name, role: t.role, kind: t.kind, enabled: t.enabled, health, reason, breaker, inFlight, queued, maxConcurrency, maxQueue,
    rejected: a?.rejected ?? 0, p50LatencyMs: a?.p50LatencyMs ?? null, ewmaLatencyMs: a?.ewmaLatencyMs ?? null, ewmaQueueMs: a?.ewmaQueueMs ?? null, upstream,
  };
}
