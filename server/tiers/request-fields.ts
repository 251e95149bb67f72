// Per tier, the request fields an admin has it drop or reject. Cascade forwards every Chat Completions
// field the client sent; some servers refuse a field they do not know (an older vLLM and
// `reasoning_effort`, a proxy and `metadata`) or mishandle one. A dropped field is removed from the
// body sent to that tier; a rejected field keeps the tier out of the chain of any request that
// carries it (routing says so), and a request no tier can take is a 400 naming the field.
// Browser-safe (zod only): the console's tier form validates with the same schema.
import { z } from 'zod';

/** Fields Cascade itself needs to call a tier: never dropped nor refused. */
export const PROTECTED_FIELDS = ['messages', 'model', 'stream'] as const;

const fieldName = z
  .string()
  .trim()
  .min(1, 'field name is empty')
  .max(64, 'field name is longer than 64 characters')
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a top-level request field name: letters, digits and _ (such as logit_bias)')
  .refine((f) => !(PROTECTED_FIELDS as readonly string[]).includes(f), { message: `${PROTECTED_FIELDS.join(', ')} cannot be dropped or rejected` });

const fieldList = z
  .array(fieldName)
  .max(64, 'at most 64 fields')
  .transform((fs) => [...new Set(fs)]);

export const tierRequestFieldsSchema = z
  .object({ drop: fieldList.default([]), reject: fieldList.default([]) })
  .superRefine((v, ctx) => {
    for (const f of v.reject) if (v.drop.includes(f)) ctx.addIssue({ code: 'custom', path: ['reject'], message: `${f} is both dropped and rejected: choose one` });
  });

export type TierRequestFields = z.infer<typeof tierRequestFieldsSchema>;

export const NO_FIELD_RULES: TierRequestFields = { drop: [], reject: [] };

/** A tier's stored field rules; a stored document that no longer validates counts as none. */
export function requestFieldsOf(stored: unknown): TierRequestFields {
  const parsed = tierRequestFieldsSchema.safeParse(stored ?? {});
  return parsed.success ? parsed.data : NO_FIELD_RULES;
}

/** "logit_bias, seed" from the form's text box; the schema checks each name. */
export function splitFieldList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** The top-level fields of a tier request (a ChatRequest: its own fields plus `extra`), messages excluded. */
export function requestFieldNames(req: { extra?: Record<string, unknown> } & object): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(req)) if (v !== undefined && k !== 'messages' && k !== 'extra') out.push(k);
  if (req.extra) for (const [k, v] of Object.entries(req.extra)) if (v !== undefined) out.push(k);
  return out;
}
