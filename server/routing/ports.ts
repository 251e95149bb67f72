// What the cascade executor needs from the tiers layer, defined where the tiers implement it.
export type { TierAnswer, TierCallOptions, TierChunk, TierInvoker } from '../tiers/types';
