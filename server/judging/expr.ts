// Evaluation of the arithmetic found in an answer: a recursive-descent parser over scanner tokens
// (never eval). Percent literals are read both ways (15% as 0.15 and as 15) and either reading may
// match, because answers write "20% of 50 = 10" and "increase of 20% = 20" alike.
import type { Tok } from './tokens';

export type MathTok = Extract<Tok, { t: 'num' } | { t: 'op' } | { t: 'lp' } | { t: 'rp' }>;

export interface Parsed {
  values: number[];
  ops: number;
}

/** Value(s) of the whole token list as one expression, or null when it is not one. */
export function evaluate(toks: MathTok[]): Parsed | null {
  const a = parseWith(toks, true);
  if (!a) return null;
  const hasPct = toks.some((t) => t.t === 'num' && t.pct);
  const b = hasPct ? parseWith(toks, false) : null;
  return { values: b ? [a.value, b.value] : [a.value], ops: a.ops };
}

function parseWith(toks: MathTok[], pctAsFraction: boolean): { value: number; ops: number } | null {
  let i = 0;
  let ops = 0;
  let depth = 0;
  const peek = () => toks[i];
  const num = (t: Extract<MathTok, { t: 'num' }>) => (t.pct && pctAsFraction ? t.v / 100 : t.v);
  function primary(): number | null {
    const t = peek();
    if (!t) return null;
    if (t.t === 'num') {
      i++;
      return num(t);
    }
    if (t.t === 'lp') {
      if (++depth > 32) return null;
      i++;
      const v = sum();
      depth--;
      if (v === null || peek()?.t !== 'rp') return null;
      i++;
      return v;
    }
    if (t.t === 'op' && t.v === '-') {
      i++;
      const v = power();
      return v === null ? null : -v;
    }
    return null;
  }
  function power(): number | null {
    const base = primary();
    if (base === null) return null;
    const t = peek();
    if (t?.t === 'op' && t.v === '^') {
      i++;
      ops++;
      const e = power();
      return e === null ? null : base ** e;
    }
    return base;
  }
  function product(): number | null {
    let v = power();
    while (v !== null) {
      const t = peek();
      if (t?.t !== 'op' || (t.v !== '*' && t.v !== '/')) break;
      i++;
      ops++;
      const r = power();
      if (r === null) return null;
      v = t.v === '*' ? v * r : v / r;
    }
    return v;
  }
  function sum(): number | null {
    let v = product();
    while (v !== null) {
      const t = peek();
      if (t?.t !== 'op' || (t.v !== '+' && t.v !== '-')) break;
      i++;
      ops++;
      const r = product();
      if (r === null) return null;
      v = t.v === '+' ? v + r : v - r;
    }
    return v;
  }
  const value = sum();
  if (value === null || i !== toks.length || !Number.isFinite(value)) return null;
  return { value, ops };
}

/** Equal as a person would write it: within the rounding of the shown number, or 1e-6 relative. */
export function sameValue(computed: number, shown: number, shownDecimals: number): boolean {
  const diff = Math.abs(computed - shown);
  if (diff <= 1e-6 * Math.max(1, Math.abs(computed), Math.abs(shown))) return true;
  // Steps that carry rounded decimals ("0.33 - 0.2 = 0.1333") drift by a little: allow 1 %.
  if (!Number.isInteger(computed) && diff <= 0.01 * Math.abs(shown)) return true;
  // "600 / 9 = 66.67": allow the rounding the shown number implies (2 decimals -> 0.005).
  return diff <= 0.5 * 10 ** -shownDecimals + 1e-9 && shownDecimals < 6 && (shownDecimals > 0 || Math.abs(shown) >= 10);
}
