// Client-side check of the tier form. Mirrors tierInput in server/api/routers/tiers.ts (the server
// validates again with that schema); kept here because the router module is not browser-safe.
import { z } from 'zod';

export const tierFormSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'name is required')
    .max(64)
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9._:-]*$/, 'name may use letters, digits, . _ : - (it is the model name clients send)')
    .refine((n) => n !== 'auto', 'name "auto" is reserved for routing'),
  role: z.enum(['small', 'medium', 'large', 'embedding']),
  kind: z.enum(['openai', 'simulated', 'vllm']),
  baseUrl: z.string().trim().url('baseUrl must be a URL such as http://host:8000/v1').refine((u) => /^https?:/.test(u), 'baseUrl must be http(s)'),
  model: z.string().trim().min(1, 'model is required').max(200),
  apiKey: z.string().max(500).nullish(),
  inputPricePerM: z.number({ error: 'enter a number' }).nonnegative('price must not be negative').max(10_000),
  outputPricePerM: z.number({ error: 'enter a number' }).nonnegative('price must not be negative').max(10_000),
  maxConcurrency: z.number({ error: 'enter a whole number' }).int('enter a whole number').min(1).max(10_000),
  timeoutMs: z.number({ error: 'enter a whole number' }).int('enter a whole number').min(100).max(600_000),
  enabled: z.boolean(),
});
export type TierForm = z.infer<typeof tierFormSchema>;
