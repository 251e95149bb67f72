// The `model` of a request: "auto" (or none) routes; anything else names the tier to force. Every
// door (OpenAI API, chat, tRPC, batch) resolves it here, against the tiers it can see.
import { DomainError } from '../lib/errors';
import type { TierConfig } from '../tiers/types';

export const AUTO_MODEL = 'auto';

/** The forced tier's name, or null to route. */
export function resolveModel(model: string | null | undefined): string | null {
  return model && model !== AUTO_MODEL ? model : null;
}

/**
 * Like resolveModel, and the named tier must exist and be enabled: a 404 naming the models that do
 * otherwise (OpenAI's model_not_found).
 */
export function resolveKnownModel(tiers: { list(): TierConfig[]; byName(name: string): TierConfig | undefined }, model: string | null | undefined): string | null {
  const name = resolveModel(model);
  if (!name) return null;
  const tier = tiers.byName(name);
  if (!tier) {
    const known = [AUTO_MODEL, ...tiers.list().filter((t) => t.enabled && t.role !== 'embedding').map((t) => t.name)];
    throw new DomainError('model_not_found', `The model "${name}" does not exist. Use one of: ${known.join(', ')}.`, { param: 'model' });
  }
  if (!tier.enabled) throw new DomainError('model_not_found', `The model "${name}" is disabled.`, { param: 'model' });
  return tier.name;
}
