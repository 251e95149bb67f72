// A linear, regex-free scanner of the math in free text: numbers (1,234.5, .5, 15%), operators,
// parentheses, '=', calculator annotations '<<' '>>', words and separators. Scanning character by
// character keeps it O(n) on any input, which a backtracking regex over model output would not be.

export type Tok =
  | { t: 'num'; v: number; dec: number; pct: boolean }
  | { t: 'op'; v: '+' | '-' | '*' | '/' | '^' }
  | { t: 'lp' }
  | { t: 'rp' }
  | { t: 'eq' }
  | { t: 'open' }
  | { t: 'close' }
  | { t: 'word'; v: string }
  | { t: 'sep' };

const isDigit = (c: string) => c >= '0' && c <= '9';
const isLetter = (c: string) => c.toLowerCase() !== c.toUpperCase();

/** Per line tokens; a line is also cut at sentence ends so one equation never spans two sentences. */
export function tokenizeLines(text: string, maxChars = 20_000): Tok[][] {
  const s = text.length > maxChars ? text.slice(0, maxChars) : text;
  const lines: Tok[][] = [];
  let cur: Tok[] = [];
  const push = (t: Tok) => cur.push(t);
  const endLine = () => {
    if (cur.length) lines.push(cur);
    cur = [];
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\n') {
      endLine();
      i++;
    } else if (isDigit(c) || (c === '.' && isDigit(s[i + 1] ?? ''))) {
      let j = i;
      let body = '';
      while (j < s.length && isDigit(s[j])) body += s[j++];
      // Thousands separators: a comma followed by exactly three digits and no fourth.
      while (s[j] === ',' && isDigit(s[j + 1] ?? '') && isDigit(s[j + 2] ?? '') && isDigit(s[j + 3] ?? '') && !isDigit(s[j + 4] ?? '')) {
        body += s.slice(j + 1, j + 4);
        j += 4;
      }
      let dec = 0;
      if (s[j] === '.' && isDigit(s[j + 1] ?? '')) {
        body += '.';
        j++;
        while (j < s.length && isDigit(s[j])) {
          body += s[j++];
          dec++;
        }
      }
      let pct = false;
      if (s[j] === '%') {
        pct = true;
        j++;
      }
      push({ t: 'num', v: Number(body), dec, pct });
      i = j;
    } else if (c === '<' && s[i + 1] === '<') {
      push({ t: 'open' });
      i += 2;
    } else if (c === '>' && s[i + 1] === '>') {
      push({ t: 'close' });
      i += 2;
    } else if (c === '\\' && s[i + 1] === '*') {
      push({ t: 'op', v: '*' }); // markdown-escaped multiplication
      i += 2;
    } else if (c === '+' || c === '-' || c === '*' || c === '/' || c === '^' || c === '×' || c === '÷' || c === '−' || c === '·') {
      push({ t: 'op', v: c === '×' || c === '·' ? '*' : c === '÷' ? '/' : c === '−' ? '-' : c });
      i++;
    } else if (c === '(') {
      push({ t: 'lp' });
      i++;
    } else if (c === ')') {
      push({ t: 'rp' });
      i++;
    } else if (c === '=') {
      while (s[i] === '=') i++;
      push({ t: 'eq' });
    } else if (isLetter(c)) {
      let j = i;
      while (j < s.length && (isLetter(s[j]) || s[j] === "'")) j++;
      push({ t: 'word', v: s.slice(i, Math.min(j, i + 40)).toLowerCase() });
      i = j;
    } else if (c === '$' || c === '€' || c === '£' || c === ' ' || c === '\t' || c === '\r' || c === '{' || c === '}') {
      i++; // currency signs and blanks carry no structure
    } else if ((c === '.' || c === '?' || c === '!' || c === ';') && !isDigit(s[i + 1] ?? '')) {
      // A sentence end closes the equation context like a newline does.
      endLine();
      i++;
    } else {
      push({ t: 'sep' });
      i++;
    }
  }
  endLine();
  return lines;
}

/** All numbers of a text, in order (percent signs kept as written: 15% -> 15). */
export function numbersOf(text: string): number[] {
  const out: number[] = [];
  for (const line of tokenizeLines(text)) for (const t of line) if (t.t === 'num') out.push(t.v);
  return out;
}
