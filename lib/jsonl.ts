// Client-side check of a batch upload (JSON Lines): every non-blank line must be a JSON object with
// a non-empty `prompt` string or a non-empty `messages` array. Reports the first errors by line.
export interface JsonlCheck {
  lines: unknown[];
  errors: { line: number; message: string }[];
}

export function checkJsonl(text: string, maxErrors = 20): JsonlCheck {
  const lines: unknown[] = [];
  const errors: JsonlCheck['errors'] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      if (errors.length < maxErrors) errors.push({ line: i + 1, message: 'not valid JSON' });
      return;
    }
    const o = v as { prompt?: unknown; messages?: unknown };
    const ok = !!v && typeof v === 'object' && !Array.isArray(v) && ((typeof o.prompt === 'string' && o.prompt.trim() !== '') || (Array.isArray(o.messages) && o.messages.length > 0));
    if (!ok) {
      if (errors.length < maxErrors) errors.push({ line: i + 1, message: 'needs a non-empty "prompt" or "messages"' });
      return;
    }
    lines.push(v);
  });
  return { lines, errors };
}
