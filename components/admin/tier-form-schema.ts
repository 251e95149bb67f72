// Client-side check of the tier form. The server validates again with tierInput (server/api/routers/
// tiers.ts); both build on the shared fields of server/tiers/tier-input.ts. Here every field is
// required (the form always sends all) and number fields explain a blank or non-numeric entry.
import { z } from 'zod';
import { TIER_KINDS, tierApiKey, tierBaseUrl, tierCapabilities, tierModel, tierName, tierRequestFields } from '../../server/tiers/tier-input';
import { TIER_ROLES } from '../../server/tiers/types';

export const tierFormSchema = z.object({
  name: tierName,
  role: z.enum(TIER_ROLES),
  kind: z.enum(TIER_KINDS),
  baseUrl: tierBaseUrl,
  model: tierModel,
  apiKey: tierApiKey,
  inputPricePerM: z.number({ error: 'enter a number' }).nonnegative('price must not be negative').max(10_000),
  outputPricePerM: z.number({ error: 'enter a number' }).nonnegative('price must not be negative').max(10_000),
  maxConcurrency: z.number({ error: 'enter a whole number' }).int('enter a whole number').min(1).max(10_000),
  timeoutMs: z.number({ error: 'enter a whole number' }).int('enter a whole number').min(100).max(600_000),
  enabled: z.boolean(),
  capabilities: tierCapabilities,
  requestFields: tierRequestFields,
});
export type TierForm = z.infer<typeof tierFormSchema>;
