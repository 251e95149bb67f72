// All tiers in memory, by name: the OpenAI API resolves `model` against it on every request.
import type { TierConfig } from '../tiers/types';
import type { TierDirectory } from '../contracts/ports';

export async function createTierDirectory(load: () => Promise<TierConfig[]>): Promise<TierDirectory & { reload(): Promise<void> }> {
  let byName = new Map<string, TierConfig>();
  const reload = async () => {
    byName = new Map((await load()).map((t) => [t.name, t]));
  };
  await reload();
  return {
    list: () => [...byName.values()],
    byName: (name) => byName.get(name),
    reload,
  };
}
