// What a tier can serve, and what a request needs from one. Routing sends a request only to tiers
// that can serve it (an image to a vision tier, a long prompt to a tier with room, tools to a tier
// that calls them); a request no tier can serve is refused with a 400 that names what is missing.
// Browser-safe (zod only): the console's tier form validates with the same schema.
import { z } from 'zod';
import { requestFieldNames } from './request-fields';

export const tierCapabilitiesSchema = z.object({
  tools: z.boolean().default(true),
  parallelToolCalls: z.boolean().default(true),
  vision: z.boolean().default(false),
  audio: z.boolean().default(false),
  jsonSchema: z.boolean().default(true),
  logprobs: z.boolean().default(true),
  /** Prompt plus answer tokens the model takes (vLLM's max_model_len); null: not limited here. */
  contextTokens: z.number().int().min(256).max(10_000_000).nullable().default(null),
  /** Longest answer the tier may be asked for; null: not limited here. */
  maxOutputTokens: z.number().int().min(1).max(1_000_000).nullable().default(null),
});

export type TierCapabilities = z.infer<typeof tierCapabilitiesSchema>;

/**
 * Text-model defaults: an OpenAI-compatible server of today calls tools, follows JSON schemas and
 * returns logprobs (vLLM, SGLang, Ollama); images and audio need a model that says it takes them.
 */
export const DEFAULT_CAPABILITIES: TierCapabilities = tierCapabilitiesSchema.parse({});

export const CAPABILITY_LABELS: Record<Exclude<keyof TierCapabilities, 'contextTokens' | 'maxOutputTokens'>, string> = {
  tools: 'tool calls',
  parallelToolCalls: 'parallel tool calls',
  vision: 'images',
  audio: 'audio',
  jsonSchema: 'JSON schema output',
  logprobs: 'logprobs',
};

/** A tier's capabilities, stored ones over the defaults (a stored document may predate a field). */
export function capabilitiesOf(stored: unknown): TierCapabilities {
  const parsed = tierCapabilitiesSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : DEFAULT_CAPABILITIES;
}

/** What one request needs from the tier that answers it. */
export interface Needs {
  tools: boolean;
  parallelToolCalls: boolean;
  vision: boolean;
  audio: boolean;
  jsonSchema: boolean;
  logprobs: boolean;
  /** Estimated prompt tokens plus the answer tokens asked for. */
  contextTokens: number;
  maxOutputTokens: number | null;
  /** The request's top-level fields (a tier may refuse some: TierRequestFields.reject). */
  fields: readonly string[];
}

export interface NeedsInput {
  messages: readonly { content: string; parts?: readonly { type: string }[] }[];
  tools?: readonly unknown[];
  parallel_tool_calls?: boolean;
  response_format?: { type: string };
  logprobs?: boolean;
  max_tokens?: number;
  extra?: Record<string, unknown>;
}

export function needsOf(req: NeedsInput): Needs {
  let chars = 0;
  let vision = false;
  let audio = false;
  for (const m of req.messages) {
    chars += m.content.length;
    for (const p of m.parts ?? []) {
      if (p.type === 'image_url') vision = true;
      else if (p.type === 'input_audio') audio = true;
    }
  }
  const tools = (req.tools?.length ?? 0) > 0;
  return {
    tools,
    parallelToolCalls: tools && req.parallel_tool_calls === true,
    vision,
    audio,
    jsonSchema: req.response_format?.type === 'json_schema',
    logprobs: req.logprobs === true,
    // ~4 characters a token, plus per-message overhead: the estimate decide() compares with the window.
    contextTokens: Math.ceil(chars / 4) + 4 * req.messages.length + (req.max_tokens ?? 0),
    maxOutputTokens: req.max_tokens ?? null,
    fields: requestFieldNames(req),
  };
}

/** Whether the request needs anything beyond plain text chat. */
export function needsAnything(n: Needs): boolean {
  return n.tools || n.vision || n.audio || n.jsonSchema || n.logprobs || n.contextTokens > 2048 || n.maxOutputTokens !== null;
}

/** What the tier lacks for the request, in words, or null when it can serve it. */
export function missingCapability(c: TierCapabilities, n: Needs, rejectFields: readonly string[] = []): string | null {
  for (const k of Object.keys(CAPABILITY_LABELS) as (keyof typeof CAPABILITY_LABELS)[]) {
    if (n[k] && !c[k]) return CAPABILITY_LABELS[k];
  }
  if (c.contextTokens !== null && n.contextTokens > c.contextTokens) return `a context of ${n.contextTokens} tokens (it takes ${c.contextTokens})`;
  if (c.maxOutputTokens !== null && n.maxOutputTokens !== null && n.maxOutputTokens > c.maxOutputTokens) return `${n.maxOutputTokens} output tokens (it gives ${c.maxOutputTokens})`;
  for (const f of rejectFields) if (n.fields.includes(f)) return `the request field "${f}"`;
  return null;
}
