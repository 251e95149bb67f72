// Prompt normalisation for the exact layer and the scope hash. The exact layer must treat prompts
// that differ only in Unicode form, case, whitespace or trailing/clause punctuation as the same
// question, and must never merge prompts whose meaning could differ. So: punctuation inside tokens
// ("3.5", "a.b", "-5", "x,y") is kept; only punctuation that ends a clause (followed by a space or
// the end) is dropped. Prompts containing code keep their case and inner whitespace because both
// can carry meaning there.
import { createHash } from 'node:crypto';
import { dropRunsBefore, someLineStart, trimLineEnds } from '../lib/linear-text';
import { cleanUnicode } from '../lib/unicode';
import type { CacheScope } from './types';

export { cleanUnicode };

/** Prompts longer than this (UTF-16 code units, after normalisation) bypass the cache: see README. */
export const MAX_PROMPT_CHARS = 32_000;

const CODE = /```|`[^`]+`|[{};]\s*$/m;
// `^\s*(def|…)\b` under the m flag, checked line by line (as a regex it was quadratic on a run of newlines).
const CODE_KEYWORD = /(?:def|function|class|import|#include|SELECT)\b/iy;
const keywordAt = (t: string, at: number) => {
  CODE_KEYWORD.lastIndex = at;
  return CODE_KEYWORD.test(t);
};

export function looksLikeCode(text: string): boolean {
  return CODE.test(text) || someLineStart(text, keywordAt);
}

/**
 * The canonical text of a prompt for the exact layer. Defined for every string: the result may
 * be '' (empty or whitespace-only prompt), which the cache treats as "bypass".
 */
export function normalizePrompt(text: string): string {
  const clean = cleanUnicode(text);
  if (looksLikeCode(clean)) {
    // Code: only trailing whitespace per line and surrounding blank lines are insignificant.
    return trimLineEnds(clean).replace(/\r\n?/g, '\n').trim();
  }
  const spaced = clean.toLowerCase().replace(/\s+/g, ' ');
  // Clause punctuation: a run of , ; : ! ? . … followed by a space or the end of the text.
  return dropRunsBefore(spaced, ',;:!?.\u2026', 32)
    .replace(/\s+/g, ' ')
    .trim();
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function promptHash(normalized: string): string {
  return sha256(normalized);
}

/**
 * The partition a prompt's answers live in. The system prompt is compared after Unicode cleaning
 * and whitespace trimming only: its case and punctuation are instructions too.
 */
export function scopeHash(scope: CacheScope): string {
  const system = cleanUnicode(scope.systemPrompt ?? '').trim();
  return sha256(JSON.stringify(['v1', scope.tenant ?? '', system, scope.params ?? '']));
}
