// A TierRegistry over the bare OpenAI-compatible connector: no retry, breaker or admission queue.
// It serves until the resilient TierClient (server/tiers) is wired in; tier state here is only
// "enabled or not", so decide() never spills on load with it.
import type { TierLoadView } from '../routing/plan';
import { chat, chatStream } from '../tiers/connector';
import type { TierConfig } from '../tiers/types';
import type { TierRegistry } from './types';

export function directTierRegistry(directory: { list(): TierConfig[]; byName(name: string): TierConfig | undefined }): TierRegistry {
  const get = (name: string) => {
    const t = directory.byName(name);
    if (!t) throw Object.assign(new Error(`tier ${name} is not configured`), { kind: 'bad_response' });
    return t;
  };
  return {
    list: () => directory.list(),
    tier: (name) => directory.byName(name),
    states: () => {
      const out: Record<string, TierLoadView> = {};
      for (const t of directory.list()) out[t.name] = { enabled: t.enabled, breaker: 'closed', queued: 0 };
      return out;
    },
    async chat(name, req, opts = {}) {
      opts.onAdmitted?.(0);
      return chat(get(name), req, { signal: opts.signal });
    },
    async *chatStream(name, req, opts = {}) {
      opts.onAdmitted?.(0);
      yield* chatStream(get(name), req, { signal: opts.signal });
    },
  };
}
