// Field errors for forms: from a zod safeParse on the client, or from a tRPC error whose data
// carries `issues` (server validation with the same schema). Keys are dotted paths ("thresholds.t2").
import type { ZodError } from 'zod';

export type FieldErrors = Record<string, string>;

export function zodFieldErrors(err: ZodError | undefined | null): FieldErrors {
  const out: FieldErrors = {};
  for (const i of err?.issues ?? []) {
    const k = i.path.map(String).join('.');
    out[k] ??= i.message;
  }
  return out;
}

export function serverFieldErrors(err: unknown): FieldErrors {
  const out: FieldErrors = {};
  const issues = (err as { data?: { issues?: { path: string; message: string }[] | null } } | null)?.data?.issues;
  for (const i of issues ?? []) out[i.path] ??= i.message;
  return out;
}
