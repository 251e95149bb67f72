// Counts over prompt structure that were regular expressions with a quadratic worst case (a long run
// of newlines or punctuation), rewritten as single passes. Each returns what the regex named above it
// returned; line-items.test.ts checks that on generated inputs.
import { isSpace, someLineStart, spaceRunEnds } from '../lib/linear-text';

const ENDERS = '.!?。！？';
const CJK_ENDERS = '。！？';

/** `(t.match(/[.!?。！？]+(?=\s|$)|[。！？]/g) ?? []).length` */
export function countSentenceEnds(t: string): number {
  let n = 0;
  let i = 0;
  while (i < t.length) {
    if (!ENDERS.includes(t[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < t.length && ENDERS.includes(t[j])) j++;
    if (j === t.length || isSpace(t.charCodeAt(j))) n += 1;
    else for (let k = i; k < j; k++) if (CJK_ENDERS.includes(t[k])) n += 1;
    i = j;
  }
  return n;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Length of a numbered-part marker at p (`\d{1,2}[.)]|\(\d{1,2}\)|[a-h][.)]\s`), 0 when none. */
function numberedAt(t: string, p: number): number {
  const c = t.charCodeAt(p);
  if (isDigit(c)) {
    const d = isDigit(t.charCodeAt(p + 1)) ? 2 : 1;
    const x = t[p + d];
    if (x === '.' || x === ')') return d + 1;
    // \d{1,2} gives one digit back when the second digit is not followed by . or )
    return 0;
  }
  if (c === 40 /* ( */ && isDigit(t.charCodeAt(p + 1))) {
    if (t[p + 2] === ')') return 3;
    if (isDigit(t.charCodeAt(p + 2)) && t[p + 3] === ')') return 4;
    return 0;
  }
  if (c >= 97 && c <= 104 && (t[p + 1] === '.' || t[p + 1] === ')') && p + 2 < t.length && isSpace(t.charCodeAt(p + 2))) return 3;
  return 0;
}

/** Length of a bullet at p (`[-*•]\s+\S`), 0 when none; `ws` from spaceRunEnds. */
function bulletAt(t: string, p: number, ws: Int32Array): number {
  const c = t[p];
  if (c !== '-' && c !== '*' && c !== '•') return 0;
  if (p + 1 >= t.length || !isSpace(t.charCodeAt(p + 1))) return 0;
  const q = ws[p + 1];
  return q < t.length ? q - p + 1 : 0;
}

/**
 * Matches of `/(?:^|\n)\s*ITEM/g`: at the start and after each newline, skip whitespace (newlines
 * included) and look for an item there. Every newline inside one whitespace run reaches the same
 * position, so a failed position is not tried again.
 */
function countLineItems(t: string, itemAt: (t: string, p: number, ws: Int32Array) => number): number {
  const ws = spaceRunEnds(t);
  let n = 0;
  let failedAt = -1;
  let s = 0;
  let first = true;
  while (s <= t.length) {
    const p = ws[first ? s : s + 1] ?? t.length;
    if (p !== failedAt) {
      const len = p < t.length ? itemAt(t, p, ws) : 0;
      if (len > 0) {
        n += 1;
        const next = t.indexOf('\n', p + len);
        if (next < 0) break;
        s = next;
        first = false;
        continue;
      }
      failedAt = p;
    }
    const next = t.indexOf('\n', first ? s : s + 1);
    if (next < 0) break;
    s = next;
    first = false;
  }
  return n;
}

/** `(t.match(/(?:^|\n)\s*(?:\d{1,2}[.)]|\(\d{1,2}\)|[a-h][.)]\s)/g) ?? []).length` */
export const countNumberedParts = (t: string) => countLineItems(t, numberedAt);

/** `(t.match(/(?:^|\n)\s*[-*•]\s+\S/g) ?? []).length` */
export const countBullets = (t: string) => countLineItems(t, bulletAt);

/** `/^\s{4,}\S/m.test(t)`: a line indented by four or more whitespace characters. */
export const hasIndentedLine = (t: string) => someLineStart(t, () => true, 4);
