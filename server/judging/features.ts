// The answer-quality model's inputs: named, dense features of a prompt and one tier's answer.
// Nothing here names a benchmark or a dataset's format; every feature is a property any answer
// has (length, a stated final answer, arithmetic that checks out, hedging, ...).
import { isRefusal, meanLogprob } from '../routing/validators';
import { finalAnswer } from './final-answer';
import { textSignals } from './text-signals';
import { numbersOf, tokenizeLines } from './tokens';

export interface AnswerInput {
  prompt: string;
  answer: string;
  finishReason?: string | null;
  logprobs?: number[] | null;
  /** Set when the client asked for JSON; `schemaOk` is the verifier's verdict when a schema was given. */
  json?: { asked: boolean; valid: boolean; schemaOk: boolean | null } | null;
}

export const FEATURE_NAMES = [
  'log_answer_chars', 'log_prompt_chars', 'log_length_ratio', 'empty', 'refusal', 'finish_length',
  'ends_cleanly', 'unclosed', 'repeated_lines', 'log_lines', 'hedges', 'corrections',
  'arith_checked', 'arith_wrong', 'arith_any_wrong', 'final_marked', 'final_present', 'final_integer',
  'final_trailing_numbers', 'final_follows_last', 'final_follows_unknown', 'final_computed', 'final_in_prompt',
  'final_negative', 'prompt_numbers_used', 'unexplained_operands', 'prompt_numbers', 'answer_numbers',
  'prompt_word_overlap', 'bullets', 'headings', 'code_blocks', 'code_broken', 'json_asked', 'json_bad',
  'logprob_present', 'logprob_mean', 'logprob_min', 'logprob_low_share',
  'final_magnitude_vs_prompt', 'results_fractional', 'uses_variables', 'prompt_number_words', 'steps_per_prompt_number',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;

// Constants every word problem may use without stating them (units of time, percent, dozens...).
const COMMON_CONSTANTS = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 100, 1000, 60, 24, 30, 31, 52, 365, 0.5, 0.25]);

// Quantities written as words: a solver has to notice them, and misses them more often than digits.
const NUMBER_WORDS = new Set(['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'twenty', 'thirty', 'forty', 'fifty', 'hundred', 'thousand', 'million', 'half', 'twice', 'double', 'triple', 'thrice', 'quarter', 'third', 'dozen', 'dozens', 'pair', 'pairs']);

function wordsOf(text: string): string[] {
  const out: string[] = [];
  for (const line of tokenizeLines(text, 8_000)) for (const t of line) if (t.t === 'word') out.push(t.v);
  return out;
}

function contentWords(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of tokenizeLines(text, 8_000)) for (const t of line) if (t.t === 'word' && t.v.length >= 4) out.add(t.v);
  return out;
}

export interface Featurized {
  values: Float32Array;
  /** Verifier facts worth showing a human (what the arithmetic check found, the final answer). */
  facts: { arithChecked: number; arithWrong: number; firstWrong: string | null; finalValue: number | null; followsLastStep: boolean | null };
}

export function featurize(input: AnswerInput): Featurized {
  const answer = input.answer ?? '';
  const prompt = input.prompt ?? '';
  const promptNums = numbersOf(prompt);
  const fin = finalAnswer(answer, promptNums);
  const sig = textSignals(answer);
  const ansNums = numbersOf(answer);
  const ansSet = new Set(ansNums);
  const known = new Set([...promptNums, ...fin.arithmetic.results]);
  const ops = fin.arithmetic.operands;
  const unexplained = ops.filter((x) => !known.has(x) && !COMMON_CONSTANTS.has(x)).length;
  const pw = contentWords(prompt);
  const aw = pw.size ? contentWords(answer) : new Set<string>();
  let overlap = 0;
  for (const w of pw) if (aw.has(w)) overlap++;
  const results = fin.arithmetic.results;
  const promptWords = wordsOf(prompt);
  const answerWords = wordsOf(answer);
  const maxPrompt = promptNums.length ? Math.max(...promptNums.map(Math.abs)) : 0;
  const lp = (input.logprobs ?? []).filter(Number.isFinite);
  const lpMean = lp.length ? meanLogprob(lp)! : 0;
  const lpMin = lp.length ? Math.max(-20, Math.min(...lp)) : 0;
  const f: Record<FeatureName, number> = {
    log_answer_chars: Math.log1p(answer.trim().length),
    log_prompt_chars: Math.log1p(prompt.trim().length),
    log_length_ratio: Math.log((answer.trim().length + 1) / (prompt.trim().length + 1)),
    empty: answer.trim().length === 0 ? 1 : 0,
    refusal: isRefusal(answer) ? 1 : 0,
    finish_length: input.finishReason === 'length' ? 1 : 0,
    ends_cleanly: sig.endsCleanly ? 1 : 0,
    unclosed: sig.unclosed,
    repeated_lines: sig.repeatedLines,
    log_lines: Math.log1p(sig.lines),
    hedges: Math.log1p(sig.hedges),
    corrections: Math.log1p(sig.corrections),
    arith_checked: Math.log1p(fin.arithmetic.checked),
    arith_wrong: Math.log1p(fin.arithmetic.wrong),
    arith_any_wrong: fin.arithmetic.wrong > 0 ? 1 : 0,
    final_marked: fin.marked ? 1 : 0,
    final_present: fin.value !== null ? 1 : 0,
    final_integer: fin.value !== null && Number.isInteger(fin.value) && fin.decimals === 0 ? 1 : 0,
    final_trailing_numbers: fin.trailingNumbers > 0 ? 1 : 0,
    final_follows_last: fin.followsLastStep === true ? 1 : 0,
    final_follows_unknown: fin.followsLastStep === null ? 1 : 0,
    final_computed: fin.computed === true ? 1 : 0,
    final_in_prompt: fin.inPrompt === true ? 1 : 0,
    final_negative: fin.value !== null && fin.value < 0 ? 1 : 0,
    prompt_numbers_used: promptNums.length ? promptNums.filter((x) => ansSet.has(x)).length / promptNums.length : 0,
    unexplained_operands: ops.length ? unexplained / ops.length : 0,
    prompt_numbers: Math.log1p(promptNums.length),
    answer_numbers: Math.log1p(ansNums.length),
    prompt_word_overlap: pw.size ? overlap / pw.size : 0,
    bullets: Math.log1p(sig.bullets),
    headings: Math.log1p(sig.headings),
    code_blocks: Math.log1p(sig.codeBlocks),
    code_broken: sig.codeBlocksBroken > 0 ? 1 : 0,
    json_asked: input.json?.asked ? 1 : 0,
    json_bad: input.json?.asked && (!input.json.valid || input.json.schemaOk === false) ? 1 : 0,
    logprob_present: lp.length ? 1 : 0,
    logprob_mean: lpMean,
    logprob_min: lpMin,
    logprob_low_share: lp.length ? lp.filter((x) => x < -2.5).length / lp.length : 0,
    final_magnitude_vs_prompt: fin.value !== null && promptNums.length ? Math.log10(Math.abs(fin.value) + 1) - Math.log10(maxPrompt + 1) : 0,
    results_fractional: results.length ? results.filter((x) => !Number.isInteger(x)).length / results.length : 0,
    uses_variables: answerWords.some((w) => w.length === 1 && w !== 'a' && w !== 'i') ? 1 : 0,
    prompt_number_words: Math.log1p(promptWords.filter((w) => NUMBER_WORDS.has(w)).length),
    steps_per_prompt_number: Math.log1p(fin.arithmetic.checked) - Math.log1p(promptNums.length),
  };
  return {
    values: Float32Array.from(FEATURE_NAMES, (n) => f[n]),
    facts: { arithChecked: fin.arithmetic.checked, arithWrong: fin.arithmetic.wrong, firstWrong: fin.arithmetic.firstWrong, finalValue: fin.value, followsLastStep: fin.followsLastStep },
  };
}
