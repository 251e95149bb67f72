// The production TierRegistry: per tier a TierClient (retry with backoff + jitter, circuit breaker)
// behind the shared Admission (concurrency limit + bounded priority queue). Its states() feed
// decide(): breaker position, our queue depth, plus vLLM's waiting requests when a scraper gives them.
import type { TierLoadView } from '../routing/plan';
import type { TierCallOptions } from '../routing/ports';
import { Admission } from '../tiers/admission';
import { TierClient, type TierClientOptions } from '../tiers/client';
import type { ChatRequest, TierConfig } from '../tiers/types';
import type { TierRegistry } from './types';

export interface RegistryOptions {
  directory: { list(): TierConfig[]; byName(name: string): TierConfig | undefined };
  admission?: Admission;
  client?: TierClientOptions;
  /** Requests waiting inside the tier's own server (vLLM num_requests_waiting), when scraped. */
  upstreamWaiting?: (tier: string) => number | null | undefined;
}

export function resilientTierRegistry(o: RegistryOptions): TierRegistry & { admission: Admission; client(name: string): TierClient | undefined } {
  const admission = o.admission ?? new Admission();
  const clients = new Map<string, TierClient>();

  // Clients keep their breaker's memory across config edits; admission follows maxConcurrency.
  const clientFor = (name: string): TierClient | undefined => {
    const cfg = o.directory.byName(name);
    if (!cfg) return undefined;
    let c = clients.get(name);
    if (!c) clients.set(name, (c = new TierClient(cfg, o.client)));
    else if (c.tier !== cfg) c.update(cfg);
    const st = admission.state(name);
    if (!st || st.maxConcurrency !== cfg.maxConcurrency) admission.configure(cfg, st?.maxQueue);
    return c;
  };
  const need = (name: string) => {
    const c = clientFor(name);
    if (!c) throw Object.assign(new Error(`tier ${name} is not configured`), { kind: 'bad_response' });
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
    states: () => {
      const out: Record<string, TierLoadView> = {};
      for (const t of o.directory.list()) {
        const c = clients.get(t.name);
        const waiting = o.upstreamWaiting?.(t.name) ?? 0;
        out[t.name] = { enabled: t.enabled, breaker: c?.breaker ?? 'closed', queued: (admission.state(t.name)?.queued ?? 0) + (Number.isFinite(waiting) ? Math.max(0, waiting) : 0) };
      }
      return out;
    },
    async chat(name: string, req: ChatRequest, opts: TierCallOptions = {}) {
      const c = need(name);
      const permit = await admit(name, opts);
      try {
        return await c.chat(req, { signal: opts.signal });
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
