// A TierInvoker over the bare tier connector (real HTTP, no retry or breaker), for routing tests
// against the fake upstreams. `down` makes named tiers fail like an open breaker or a full queue
// does in the real TierClient, without touching the network.
import { chat, chatStream, TierError } from '../../server/tiers/connector';
import type { TierInvoker } from '../../server/routing/ports';
import type { TierConfig } from '../../server/tiers/types';

export function tierConfig(name: string, baseUrl: string, over: Partial<TierConfig> = {}): TierConfig {
  return {
    id: `id-${name}`, name, role: 'small', kind: 'openai', baseUrl, model: 'fake-model', apiKey: null,
    inputPricePerM: 1, outputPricePerM: 2, maxConcurrency: 4, timeoutMs: 3_000, enabled: true, ...over,
  };
}

export function directInvoker(tiers: TierConfig[], down: Record<string, 'circuit_open' | 'queue_full'> = {}): TierInvoker {
  const byName = new Map(tiers.map((t) => [t.name, t]));
  const refuse = (name: string) => {
    const kind = down[name];
    if (!kind) return null;
    const e = new TierError(kind === 'circuit_open' ? 'circuit_open' : 'http_5xx', `${name}: ${kind.replace('_', ' ')}`, { tier: name });
    if (kind === 'queue_full') Object.defineProperty(e, 'kind', { value: 'queue_full' });
    return e;
  };
  return {
    tier: (name) => byName.get(name),
    async chat(name, req, opts = {}) {
      const e = refuse(name);
      if (e) throw e;
      opts.onAdmitted?.(0);
      return chat(byName.get(name)!, req, { signal: opts.signal });
    },
    async *chatStream(name, req, opts = {}) {
      const e = refuse(name);
      if (e) throw e;
      opts.onAdmitted?.(0);
      yield* chatStream(byName.get(name)!, req, { signal: opts.signal });
    },
  };
}
