// Linear-time text passes that stand in for regular expressions a backtracking engine runs in
// quadratic time on some inputs (a long run of newlines, spaces or punctuation followed by a
// character that makes the match fail: every start position inside the run re-scans the rest of it).
// Each one is held to the regex it replaces by a property test (linear-text.test.ts).

/** JavaScript's `\s` for one UTF-16 code unit. */
export function isSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** What `^` and `$` see as a line end under the m flag. */
export function isLineTerminator(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/** end[i] = the first index >= i that is not `\s` (one pass, right to left). */
export function spaceRunEnds(t: string): Int32Array {
  const end = new Int32Array(t.length + 1);
  end[t.length] = t.length;
  for (let i = t.length - 1; i >= 0; i--) end[i] = isSpace(t.charCodeAt(i)) ? end[i + 1] : i;
  return end;
}

/** `t.replace(/[ \t]+$/gm, '')`: spaces and tabs before a line end or the end of the text. */
export function trimLineEnds(t: string): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < t.length) {
    const c = t.charCodeAt(i);
    if (c !== 32 && c !== 9) {
      i++;
      continue;
    }
    let j = i;
    while (j < t.length && (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9)) j++;
    if (j === t.length || isLineTerminator(t.charCodeAt(j))) {
      out += t.slice(from, i);
      from = j;
    }
    i = j;
  }
  return from === 0 ? t : out + t.slice(from);
}

/**
 * Removes every run of characters in `chars` that is followed by `next` (a code unit) or by the end
 * of the text: `t.replace(/[chars]+(?= |$)/g, '')` with next = ' '.
 */
export function dropRunsBefore(t: string, chars: string, next: number): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < t.length) {
    if (!chars.includes(t[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < t.length && chars.includes(t[j])) j++;
    if (j === t.length || t.charCodeAt(j) === next) {
      out += t.slice(from, i);
      from = j;
    }
    i = j;
  }
  return from === 0 ? t : out + t.slice(from);
}

/** `t.replace(/[chars]+$/, '')` */
export function trimEndChars(t: string, chars: string): string {
  let end = t.length;
  while (end > 0 && chars.includes(t[end - 1])) end--;
  return end === t.length ? t : t.slice(0, end);
}

/**
 * True when some line, after its leading whitespace (which may span blank lines), passes `test` at
 * that position: the linear form of `/^\s*X/m` and, with minSpaces, of `/^\s{n,}\S/m`.
 */
export function someLineStart(t: string, test: (t: string, at: number) => boolean, minSpaces = 0): boolean {
  let i = 0;
  while (i <= t.length) {
    // i is a line start: skip the whitespace run; every line start inside it reaches the same p,
    // with fewer spaces before it, so only this first one needs testing.
    let p = i;
    while (p < t.length && isSpace(t.charCodeAt(p))) p++;
    if (p < t.length && p - i >= minSpaces && test(t, p)) return true;
    // Next line start after p.
    let n = p;
    while (n < t.length && !isLineTerminator(t.charCodeAt(n))) n++;
    if (n >= t.length) return false;
    i = n + 1;
  }
  return false;
}
