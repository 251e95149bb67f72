// The fields of a tier as an admin enters them. Shared by the tRPC router (server validation) and the
// console's tier form (client validation), so the two cannot drift apart; browser-safe (zod only).
import { z } from 'zod';

export const TIER_KINDS = ['openai', 'simulated', 'vllm'] as const;

export const tierName = z
  .string()
  .trim()
  .min(1, 'name is required')
  .max(64)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9._:-]*$/, 'name may use letters, digits, . _ : - (it is the model name clients send)')
  .refine((n) => n !== 'auto', 'name "auto" is reserved for routing');

export const tierBaseUrl = z
  .string()
  .trim()
  .url('baseUrl must be a URL such as http://host:8000/v1')
  .refine((u) => /^https?:/.test(u), 'baseUrl must be http(s)');

export const tierModel = z.string().trim().min(1, 'model is required').max(200);
export const tierApiKey = z.string().max(500).nullish();
export { tierCapabilitiesSchema as tierCapabilities } from './capabilities';
export { tierRequestFieldsSchema as tierRequestFields } from './request-fields';
