// Verifier: re-computes the arithmetic an answer shows. Every "expression = value" and every
// calculator annotation "<<expression=value>>shown" is checked; a wrong step is evidence that the
// answer is wrong, however confident it sounds. Units between numbers ("6 decks * 25 cards/deck")
// are skipped, and only sides that contain an operator are checked ("in 2 hours = 120 minutes" is
// a conversion, not arithmetic).
import { evaluate, sameValue, type MathTok } from './expr';
import { tokenizeLines, type Tok } from './tokens';

export interface ArithmeticCheck {
  /** Equations whose two sides could be evaluated. */
  checked: number;
  wrong: number;
  /** The value after the last '=' the answer wrote (its last computed result), if any. */
  lastResult: number | null;
  /** Every right-hand value written after an '=' (the answer's intermediate results). */
  results: number[];
  /** Numbers used as operands on left-hand sides. */
  operands: number[];
  /** First wrong step, for the verdict's detail. */
  firstWrong: string | null;
}

const MAX_SIDE = 48;

/** Math tokens of a side: words dropped, "x" between numbers read as times, "/unit" dropped. */
function mathOnly(toks: Tok[]): (MathTok | null)[] {
  const out: (MathTok | null)[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const next = toks[i + 1];
    if (t.t === 'word') {
      const prev = out[out.length - 1];
      if ((t.v === 'x' || t.v === 'times') && prev?.t === 'num' && next?.t === 'num') out.push({ t: 'op', v: '*' });
      // A one-letter word next to the math is a variable ("7x + 11x = 162", "x * 4 = 32"): the
      // side is algebra, not arithmetic, so it breaks the expression.
      else if (t.v.length === 1 && t.v !== 'a') out.push(null);
      continue; // a unit or filler word
    }
    const prevRaw = toks[i - 1];
    if (t.t === 'op' && (t.v === '-' || t.v === '/') && next?.t === 'word' && (prevRaw?.t === 'word' || t.v === '-')) {
      out.push(null); // "semi-automatic", "5-year-old": a hyphenated word, not a subtraction
      continue;
    }
    if (t.t === 'op' && t.v === '/' && next?.t === 'word') {
      i++; // "cards/deck": a unit ratio, not a division
      continue;
    }
    if (t.t === 'num' || t.t === 'op' || t.t === 'lp' || t.t === 'rp') out.push(t);
    else out.push(null); // separators break an expression
  }
  return out;
}

/** The longest run at the end (left side) or start (right side) of the side that is one expression. */
function side(toks: Tok[], fromEnd: boolean): { value: number[]; ops: number; shown: { v: number; dec: number } | null } | null {
  const m = mathOnly(toks);
  // Cut at the separator nearest the '=': beyond it is another clause.
  let run: MathTok[] = [];
  if (fromEnd) {
    let k = m.length - 1;
    while (k >= 0 && m[k] !== null) k--;
    run = m.slice(k + 1) as MathTok[];
    run = run.slice(-MAX_SIDE);
    for (let s = 0; s < run.length; s++) {
      const p = evaluate(run.slice(s));
      if (p) return { value: p.values, ops: p.ops, shown: null };
    }
  } else {
    let k = 0;
    while (k < m.length && m[k] !== null) k++;
    run = (m.slice(0, k) as MathTok[]).slice(0, MAX_SIDE);
    for (let e = run.length; e > 0; e--) {
      const part = run.slice(0, e);
      const p = evaluate(part);
      if (p) {
        const only = part.length === 1 && part[0].t === 'num' ? part[0] : null;
        return { value: p.values, ops: p.ops, shown: only ? { v: only.v, dec: only.dec } : null };
      }
    }
  }
  return null;
}

function matches(left: number[], right: number[], shown: { v: number; dec: number } | null): boolean {
  for (const l of left) {
    // "the difference is 30 - 50 = 20": a dropped sign is how differences are written, not a slip.
    for (const x of [l, -l]) {
      if (shown && sameValue(x, shown.v, shown.dec)) return true;
      for (const r of right) if (sameValue(x, r, 6)) return true;
    }
  }
  return false;
}

export function checkArithmetic(text: string): ArithmeticCheck {
  const out: ArithmeticCheck = { checked: 0, wrong: 0, lastResult: null, results: [], operands: [], firstWrong: null };
  for (const line of tokenizeLines(text)) {
    // Calculator annotations: the value inside "<<...=v>>" must be the number written after it.
    for (let i = 0; i < line.length; i++) {
      if (line[i].t !== 'close') continue;
      let j = i - 1;
      while (j >= 0 && line[j].t !== 'eq' && line[j].t !== 'open') j--;
      const inside = line[j]?.t === 'eq' ? side(line.slice(j + 1, i), false) : null;
      const after = line[i + 1];
      if (inside && after?.t === 'num') {
        out.checked++;
        if (!inside.value.some((v) => sameValue(v, after.v, after.dec) || sameValue(-v, after.v, after.dec))) {
          out.wrong++;
          out.firstWrong ??= `annotation result ${inside.value[0]} is written as ${after.v}`;
        }
      }
    }
    // Split the line at '=' and at annotation brackets; check each adjacent pair of sides.
    const segs: Tok[][] = [[]];
    const kinds: ('eq' | 'cut')[] = [];
    for (const t of line) {
      if (t.t === 'eq' || t.t === 'open' || t.t === 'close') {
        kinds.push(t.t === 'eq' ? 'eq' : 'cut');
        segs.push([]);
      } else segs[segs.length - 1].push(t);
    }
    for (let k = 0; k < kinds.length; k++) {
      if (kinds[k] !== 'eq') continue;
      const l = side(segs[k], true);
      // "3 x 1 hour = <<3*60=180>>180": the prose before an annotation states units, not
      // arithmetic, so only the annotation itself is checked there (an empty right side).
      const r = side(segs[k + 1], false);
      if (r) {
        out.lastResult = r.shown ? r.shown.v : r.value[0];
        out.results.push(out.lastResult);
      }
      if (!l || !r) continue;
      for (const t of segs[k]) if (t.t === 'num') out.operands.push(t.v);
      if (l.ops === 0 && r.ops === 0) continue; // "2 hours = 120 minutes": a restatement
      out.checked++;
      if (!matches(l.value, r.value, r.shown)) {
        out.wrong++;
        out.firstWrong ??= `${fmt(l.value[0])} is written as ${fmt(r.shown ? r.shown.v : r.value[0])}`;
      }
    }
  }
  return out;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(4).replace(/0+$/, '');
}
