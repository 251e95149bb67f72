// The active routing policy, held in memory so the request path never reads Postgres for it.
// invalidate() reloads after a save/rollback in this process; a periodic refresh picks up changes
// made by other processes (a CLI, a second server).
import { defaultPolicy } from '../routing/policy';
import type { PolicyProvider } from './types';
import type { PolicyStore } from '../contracts/stores';

export async function createPolicyProvider(store: PolicyStore, refreshMs = 10_000): Promise<PolicyProvider & { close(): void }> {
  let current = { version: 0, policy: defaultPolicy() };
  const load = async () => {
    const active = await store.active();
    if (active) current = { version: active.version, policy: active.document };
  };
  await load();
  const timer = setInterval(() => void load().catch(() => undefined), refreshMs);
  timer.unref();
  return {
    current: () => current,
    invalidate: load,
    close: () => clearInterval(timer),
  };
}
