// Embedder selection: an enabled tier with role 'embedding' wins; otherwise the built-in local one.
import type { TierConfig } from '../tiers/types';
import { LocalEmbedder } from './local';
import { OpenAIEmbedder } from './openai';
import type { Embedder } from './types';

export type { Embedder } from './types';
export { EmbeddingError, cosine, normalizeL2 } from './types';
export { LocalEmbedder } from './local';
export { OpenAIEmbedder } from './openai';

/** Picks the first enabled embedding tier (probing its dimension), else the local embedder. */
export async function createEmbedder(tiers: TierConfig[] = []): Promise<Embedder> {
  const tier = tiers.find((t) => t.role === 'embedding' && t.enabled);
  if (!tier) return new LocalEmbedder();
  const e = new OpenAIEmbedder({ tier });
  await e.probe();
  return e;
}
