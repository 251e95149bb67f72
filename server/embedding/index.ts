// Embedder selection: an enabled tier with role 'embedding' wins; otherwise the built-in one chosen by
// CASCADE_EMBEDDER (`local` by default, or `use-lite`).
import { env } from '../env';
import type { TierConfig } from '../tiers/types';
import { LocalEmbedder } from './local';
import { OpenAIEmbedder } from './openai';
import type { Embedder } from './types';
import { UseLiteEmbedder } from './use-lite/index';

export type { Embedder } from './types';
export { EmbeddingError, cosine, normalizeL2 } from './types';
export { LocalEmbedder } from './local';
export { OpenAIEmbedder } from './openai';
export { UseLiteEmbedder, USE_LITE_THRESHOLD } from './use-lite/index';

export type BuiltinEmbedder = 'local' | 'use-lite';

/** Picks the first enabled embedding tier (probing its dimension), else the built-in embedder. The
 *  use-lite model loads lazily (first embed); its threshold is USE_LITE_THRESHOLD, not 0.75. */
/**
 * The cache's embedder at start: createEmbedder, except that an embedding tier failing its probe
 * (down, wrong URL, garbage) falls back to the built-in embedder with `warn` instead of failing,
 * so an unreachable embedding server cannot take the cache down with it.
 */
export async function cacheEmbedder(tiers: TierConfig[], warn: (msg: string) => void, builtin: BuiltinEmbedder = env().CASCADE_EMBEDDER): Promise<Embedder> {
  try {
    return await createEmbedder(tiers, builtin);
  } catch (err) {
    warn(`embedding tier unusable (${err instanceof Error ? err.message : String(err)}); using the built-in embedder`);
    return createEmbedder([], builtin);
  }
}

export async function createEmbedder(tiers: TierConfig[] = [], builtin: BuiltinEmbedder = env().CASCADE_EMBEDDER): Promise<Embedder> {
  const tier = tiers.find((t) => t.role === 'embedding' && t.enabled);
  if (!tier) return builtin === 'use-lite' ? new UseLiteEmbedder() : new LocalEmbedder();
  const e = new OpenAIEmbedder({ tier });
  await e.probe();
  return e;
}
