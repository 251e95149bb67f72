// Verifier: does the answer state a final answer, and does it follow from the answer's own last
// step? A final number that no step computed, or that differs from the last result written, is a
// typical sign of a slipped or truncated derivation.
import { checkArithmetic, type ArithmeticCheck } from './arithmetic';
import { sameValue } from './expr';
import { tokenizeLines, type Tok } from './tokens';

export interface FinalAnswer {
  /** An explicit marker: "####", "answer is", "answer:", "\boxed{", "final answer". */
  marked: boolean;
  /** The final number: after the last marker, else the last number of the text. */
  value: number | null;
  decimals: number;
  /** Any number after the marker's number on the same final line ("#### 18 dollars by 5 pm"). */
  trailingNumbers: number;
  /** The final value equals the last result an '=' produced. */
  followsLastStep: boolean | null;
  /** The final value was computed somewhere in the derivation (any '=' result). */
  computed: boolean | null;
  /** The final value is one of the prompt's own numbers (restating the question). */
  inPrompt: boolean | null;
  arithmetic: ArithmeticCheck;
}

const MARKERS = ['####', 'final answer', 'the answer is', 'answer:', 'answer is', '\\boxed{', 'therefore, the answer', 'result is'];

/** Index just after the last final-answer marker (case-insensitive, plain substring search). */
export function lastMarkerEnd(text: string): number {
  const lower = text.toLowerCase();
  let best = -1;
  for (const m of MARKERS) {
    const i = lower.lastIndexOf(m);
    if (i >= 0) best = Math.max(best, i + m.length);
  }
  return best;
}

function firstNum(lines: Tok[][]): { v: number; dec: number; after: number } | null {
  for (const [li, line] of lines.entries()) {
    const k = line.findIndex((t) => t.t === 'num');
    if (k >= 0) {
      const t = line[k] as Extract<Tok, { t: 'num' }>;
      const sameLineAfter = line.slice(k + 1).filter((x) => x.t === 'num').length;
      return { v: t.v, dec: t.dec, after: li === 0 ? sameLineAfter : sameLineAfter };
    }
  }
  return null;
}

export function finalAnswer(answer: string, promptNumbers: number[] | null): FinalAnswer {
  const end = lastMarkerEnd(answer);
  const body = end >= 0 ? answer.slice(0, end) : answer;
  const arithmetic = checkArithmetic(body);
  let value: number | null = null;
  let decimals = 0;
  let trailingNumbers = 0;
  if (end >= 0) {
    // The marker's line (up to the next line break) holds the final answer.
    const nl = answer.indexOf('\n', end);
    const tail = answer.slice(end, nl < 0 ? Math.min(answer.length, end + 400) : Math.min(nl, end + 400));
    const n = firstNum(tokenizeLines(tail));
    if (n) {
      value = n.v;
      decimals = n.dec;
      trailingNumbers = n.after;
    }
  }
  const marked = end >= 0 && value !== null;
  if (!marked) {
    const all = tokenizeLines(answer).flat().filter((t): t is Extract<Tok, { t: 'num' }> => t.t === 'num');
    const last = all[all.length - 1];
    if (last) {
      value = last.v;
      decimals = last.dec;
    }
  }
  const eq = (a: number) => value !== null && sameValue(a, value, decimals);
  const followsLastStep = value === null || arithmetic.lastResult === null ? null : eq(arithmetic.lastResult);
  const computed = value === null || arithmetic.results.length === 0 ? null : arithmetic.results.some(eq);
  const inPrompt = value === null || promptNumbers === null ? null : promptNumbers.some((p) => p === value);
  return { marked, value, decimals, trailingNumbers, followsLastStep, computed, inPrompt, arithmetic };
}
