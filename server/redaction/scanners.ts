// Hand-written scanners for the patterns that redaction looks for in user text. Each one finds the
// same matches, left to right and non-overlapping, as the regular expression named above it (the
// property test in scanners.test.ts holds them to that on small inputs), but in one pass: a
// backtracking regex engine re-scans a long run of characters from every start position, so one
// unbroken 4 MB word (a base64 blob, a DNA sequence) took hours. Here every character is looked at a
// bounded number of times, whatever the input.

export interface Span {
  start: number;
  end: number;
}

const code = (t: string, i: number) => (i >= 0 && i < t.length ? t.charCodeAt(i) : -1);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** JavaScript's `\w` without the u flag: ASCII letters, digits and underscore. */
const isWord = (c: number) => isAlpha(c) || isDigit(c) || c === 95;
const isBoundary = (t: string, i: number) => isWord(code(t, i - 1)) !== isWord(code(t, i));

/** Memoises, for one character class, the end of the run that contains a position (runs are visited left to right). */
function runEnds(t: string, inClass: (c: number) => boolean) {
  let runStart = -1;
  let runEnd = -1;
  return (i: number): number => {
    if (i < runStart || i >= runEnd) {
      runStart = i;
      runEnd = i;
      while (runEnd < t.length && inClass(t.charCodeAt(runEnd))) runEnd++;
    }
    return runEnd;
  };
}

const isLocal = (c: number) => isWord(c) || c === 46 || c === 43 || c === 45; // \w . + -
const isHost = (c: number) => isWord(c) || c === 45; // \w -
const isDomain = (c: number) => isWord(c) || c === 46 || c === 45; // \w . -

/** `/[\w.+-]+@[\w-]+\.[\w.-]+/g` */
export function findEmails(t: string): Span[] {
  const out: Span[] = [];
  let lastEnd = 0;
  let at = t.indexOf('@');
  while (at >= 0) {
    let start = at;
    while (start > lastEnd && isLocal(t.charCodeAt(start - 1))) start--;
    let end = -1;
    if (start < at) {
      let q = at + 1;
      while (q < t.length && isHost(t.charCodeAt(q))) q++;
      if (q > at + 1 && code(t, q) === 46) {
        let r = q + 1;
        while (r < t.length && isDomain(t.charCodeAt(r))) r++;
        if (r > q + 1) end = r;
      }
    }
    if (end > 0) {
      out.push({ start, end });
      lastEnd = end;
      at = t.indexOf('@', end);
    } else {
      at = t.indexOf('@', at + 1);
    }
  }
  return out;
}

const isKeyBody = (c: number) => isWord(c) || c === 45; // [A-Za-z0-9_-]
const PREFIXES = ['sk', 'pk', 'api', 'key', 'token'];

function prefixAt(t: string, i: number): number {
  for (const p of PREFIXES) {
    let k = 0;
    while (k < p.length && (t.charCodeAt(i + k) | 32) === p.charCodeAt(k)) k++;
    if (k === p.length) return p.length;
  }
  return 0;
}

/** `/\b(?:sk|pk|api|key|token)[-_][A-Za-z0-9_-]{12,}\b/gi` */
export function findPrefixedKeys(t: string): Span[] {
  const out: Span[] = [];
  const endOf = runEnds(t, isKeyBody);
  // The last word boundary inside the current run, found once per run.
  let lbRunEnd = -1;
  let lastBoundary = -1;
  let i = 0;
  while (i < t.length) {
    const c = t.charCodeAt(i);
    if (!isAlpha(c) || !isBoundary(t, i)) {
      i++;
      continue;
    }
    const len = prefixAt(t, i);
    const sep = code(t, i + len);
    if (len === 0 || (sep !== 45 && sep !== 95)) {
      i++;
      continue;
    }
    const bodyStart = i + len + 1;
    const e = endOf(i);
    if (e !== lbRunEnd) {
      lbRunEnd = e;
      lastBoundary = -1;
      for (let k = e; k > i; k--) {
        if (isBoundary(t, k)) {
          lastBoundary = k;
          break;
        }
      }
    }
    if (lastBoundary >= bodyStart + 12) {
      out.push({ start: i, end: lastBoundary });
      i = lastBoundary;
    } else {
      i++;
    }
  }
  return out;
}

const isBlobChar = (c: number) => isWord(c) || c === 43 || c === 47 || c === 45; // [A-Za-z0-9+/_-]

/** `/\b[A-Za-z0-9+/_-]{32,}={0,2}/g` */
export function findBlobs(t: string): Span[] {
  const out: Span[] = [];
  const endOf = runEnds(t, isBlobChar);
  let i = 0;
  while (i < t.length) {
    if (!isBlobChar(t.charCodeAt(i)) || !isBoundary(t, i)) {
      i++;
      continue;
    }
    const e = endOf(i);
    if (e - i < 32) {
      i++;
      continue;
    }
    let end = e;
    while (end < e + 2 && code(t, end) === 61) end++;
    out.push({ start: i, end });
    i = end;
  }
  return out;
}

const isPhoneChar = (c: number) => isDigit(c) || c === 32 || c === 40 || c === 41 || c === 45; // [\d ()-]

/** `/\+?\d[\d ()-]{8,}\d/g` */
export function findPhoneNumbers(t: string): Span[] {
  const out: Span[] = [];
  const endOf = runEnds(t, isPhoneChar);
  let lastDigitRunEnd = -1;
  let lastDigit = -1;
  let i = 0;
  while (i < t.length) {
    const d = t.charCodeAt(i) === 43 ? i + 1 : i;
    if (!isDigit(code(t, d))) {
      i++;
      continue;
    }
    const e = endOf(d);
    if (e !== lastDigitRunEnd) {
      lastDigitRunEnd = e;
      lastDigit = e - 1;
      while (!isDigit(t.charCodeAt(lastDigit))) lastDigit--;
    }
    if (lastDigit >= d + 9) {
      out.push({ start: i, end: lastDigit + 1 });
      i = lastDigit + 1;
    } else {
      i++;
    }
  }
  return out;
}

/** Replaces every span (sorted, non-overlapping) with `sub`. */
export function replaceSpans(t: string, spans: readonly Span[], sub: string): string {
  if (spans.length === 0) return t;
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += t.slice(at, s.start) + sub;
    at = s.end;
  }
  return out + t.slice(at);
}
