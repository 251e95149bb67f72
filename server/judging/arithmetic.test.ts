import { describe, expect, it } from 'vitest';
import { checkArithmetic } from './arithmetic';
import { finalAnswer } from './final-answer';
import { evaluate } from './expr';
import { tokenizeLines } from './tokens';

describe('checkArithmetic', () => {
  it('finds a wrong step and names it', () => {
    const a = checkArithmetic('She has 16 - 3 = 13 eggs.\nThen 13 - 4 = 8 eggs are left.');
    expect(a.checked).toBe(2);
    expect(a.wrong).toBe(1);
    expect(a.firstWrong).toBe('9 is written as 8');
  });

  it('accepts correct chains, calculator annotations, units and rounding', () => {
    const text = [
      'Each session is 3 sprints * 60 meters/sprint = 180 meters.',
      'A week is 180 x 3 = <<180*3=540>>540 meters.',
      'The mean is (50 + 80 + 90) / 3 = 220 / 3 = 73.33 points.',
      'The tax is 10% * 12 = $1.20 and 1,000 * 4 = 4,000 boxes.',
    ].join('\n');
    const a = checkArithmetic(text);
    expect(a.wrong).toBe(0);
    expect(a.checked).toBeGreaterThanOrEqual(6);
    expect(a.lastResult).toBe(4000);
  });

  it('catches a result copied wrongly out of a calculator annotation', () => {
    const a = checkArithmetic('After 14 days 150 - 50 * 14 = <<150-50*14=-550>>-550 beds, so <<2*4+3*6=24+18=42>>42 colours.');
    expect(a.wrong).toBeGreaterThanOrEqual(1);
  });

  it('does not read algebra, hyphenated words or conversions as arithmetic', () => {
    const a = checkArithmetic('7x + 11x = 162\n18x = 162\nThe semi-automatic share is (4/20)*100% = 20%.\nIn 2 hours = 120 minutes.');
    expect(a.wrong).toBe(0);
  });

  it('treats a dropped sign in a difference as written, not as a slip', () => {
    expect(checkArithmetic('The difference is 30 - 50 = 20 years.').wrong).toBe(0);
  });

  it('stays linear on long hostile input', () => {
    const junk = `${'1+'.repeat(20_000)}= 3 ${'(('.repeat(5_000)} = <<${'9'.repeat(5_000)}`;
    const a = checkArithmetic(junk);
    expect(a.checked).toBeGreaterThanOrEqual(0);
  });
});

describe('evaluate', () => {
  const toks = (s: string) => tokenizeLines(s)[0].filter((t) => t.t === 'num' || t.t === 'op' || t.t === 'lp' || t.t === 'rp') as Parameters<typeof evaluate>[0];
  it('respects precedence, parentheses, powers and unary minus', () => {
    expect(evaluate(toks('2 + 3 * 4'))!.values).toEqual([14]);
    expect(evaluate(toks('(2 + 3) * 4'))!.values).toEqual([20]);
    expect(evaluate(toks('-2 ^ 2 + 10'))!.values).toEqual([6]);
    expect(evaluate(toks('2 +'))).toBeNull();
  });
  it('reads a percent both ways', () => {
    expect(evaluate(toks('15% * 300'))!.values).toEqual([45, 4500]);
  });
});

describe('finalAnswer', () => {
  it('reads the marked final answer and checks it against the last step', () => {
    const f = finalAnswer('He runs 3 * 60 = 180 meters.\nThen 180 * 3 = 540.\n#### 540', [3, 60]);
    expect(f).toMatchObject({ marked: true, value: 540, followsLastStep: true, computed: true, inPrompt: false, trailingNumbers: 0 });
  });
  it('flags a final answer that no step produced and numbers after it', () => {
    const f = finalAnswer('3 * 60 = 180 meters.\nThe answer is 200 meters by 5 pm.', [3, 60]);
    expect(f).toMatchObject({ marked: true, value: 200, followsLastStep: false, computed: false, trailingNumbers: 1 });
  });
  it('falls back to the last number without a marker', () => {
    const f = finalAnswer('So she pays 12 dollars', null);
    expect(f).toMatchObject({ marked: false, value: 12, followsLastStep: null, inPrompt: null });
  });
});
