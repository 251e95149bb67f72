// Checks a batch file in the browser with the server's own rules: the tRPC input schema (name,
// line count) and server/batch/parse.ts for every line. Pure, so it is unit-tested.
import { batchCreateInput } from '@/server/api/routers/batch-input';
import { parseJsonl } from '@/server/batch/parse';
import { zodFieldErrors, type FieldErrors } from '@/lib/form-errors';

export const MAX_BYTES = 20 * 1024 * 1024;
const SHOWN = 20;

export interface UploadCheck {
  /** Non-blank lines of the file as text (the server numbers and parses them again). */
  lines: string[];
  /** Errors by field: `name`, `lines` (the file as a whole). */
  fields: FieldErrors;
  /** The first bad lines (1-based line numbers of the file). */
  lineErrors: { line: number; message: string }[];
  badLines: number;
}

/**
 * `keepBadLines`: the user chose to run the good lines and let each bad one come back as its own
 * error in the results (what the server does with a malformed line anyway); then bad lines block
 * the upload only when no good line is left.
 */
export function checkUpload(name: string, text: string, keepBadLines = false): UploadCheck {
  let parsed;
  try {
    parsed = parseJsonl(text);
  } catch (err) {
    return { lines: [], fields: { lines: err instanceof Error ? err.message : String(err) }, lineErrors: [], badLines: 0 };
  }
  const bad = parsed.filter((l) => l.error !== null);
  const rows = text.split(/\r?\n/);
  const lines = parsed.map((l) => rows[l.line - 1]);
  const check = batchCreateInput.safeParse({ name, lines });
  const fields = check.success ? {} : zodFieldErrors(check.error);
  const allBad = bad.length === lines.length;
  if (bad.length > 0 && !fields.lines && (!keepBadLines || allBad)) {
    fields.lines = allBad ? `no valid line: ${bad.length} line${bad.length === 1 ? '' : 's'} to fix` : `${bad.length} line${bad.length === 1 ? '' : 's'} to fix; nothing was uploaded`;
  }
  return { lines, fields, lineErrors: bad.slice(0, SHOWN).map((l) => ({ line: l.line, message: l.error ?? '' })), badLines: bad.length };
}
