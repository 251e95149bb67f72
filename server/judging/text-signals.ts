// Cheap text signals of an answer: hedging, self-correction, repetition, truncation, structure,
// code blocks that do not parse. Plain substring and character scans: no backtracking regex runs on
// model output.
import { parseCodeBlocks } from './code-check';

const HEDGES = ['approximately', 'roughly', 'probably', 'maybe', 'perhaps', 'might be', 'not sure', 'unclear', 'i think', 'it seems', 'assuming', 'assume that', 'estimate', 'it is possible that', 'cannot be determined', 'not enough information', 'ambiguous'];
const CORRECTIONS = ['wait', 'actually,', 'mistake', 'correction', 'let me re', 'recalculate', 'i apologize', 'sorry, ', 'on second thought', 'that is incorrect', 'not correct'];

export function countPhrases(lower: string, phrases: string[]): number {
  let n = 0;
  for (const p of phrases) {
    let i = lower.indexOf(p);
    while (i >= 0) {
      n++;
      i = lower.indexOf(p, i + p.length);
    }
  }
  return n;
}

export interface TextSignals {
  hedges: number;
  corrections: number;
  /** Share of non-empty lines that repeat an earlier line (generation loops). */
  repeatedLines: number;
  lines: number;
  /** The text ends as a finished text would: terminal punctuation, a closed fence, a number line. */
  endsCleanly: boolean;
  /** Opened and never closed: "<<", "(", "[", "{", or an odd number of ``` fences. */
  unclosed: number;
  bullets: number;
  headings: number;
  codeBlocks: number;
  codeBlocksBroken: number;
}

export function textSignals(text: string): TextSignals {
  const lower = text.toLowerCase();
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  const seen = new Set<string>();
  let repeats = 0;
  let bullets = 0;
  let headings = 0;
  for (const l of lines) {
    if (l.length >= 8 && seen.has(l)) repeats++;
    seen.add(l);
    const c = l[0];
    if (c === '-' || c === '*' || c === '•' || (c >= '0' && c <= '9' && (l[1] === '.' || l[2] === '.'))) bullets++;
    if (l.startsWith('# ') || l.startsWith('## ') || l.startsWith('### ')) headings++;
  }
  let depth = 0;
  let ann = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    else if (c === '<' && text[i + 1] === '<') ann++;
    else if (c === '>' && text[i + 1] === '>' && ann > 0) ann--;
  }
  const fences = countPhrases(text, ['```']);
  const trimmed = text.trimEnd();
  const lastChar = trimmed[trimmed.length - 1] ?? '';
  const lastLine = lines[lines.length - 1] ?? '';
  const endsCleanly = '.!?)]}"\'`*|>:;'.includes(lastChar) && lastChar !== '' ? true : /^[#*\s$]*-?[\d.,]+[\s\w$%.]{0,12}$/.test(lastLine.slice(-40)) || lastLine.startsWith('####');
  const code = parseCodeBlocks(text);
  return {
    hedges: countPhrases(lower, HEDGES),
    corrections: countPhrases(lower, CORRECTIONS),
    repeatedLines: lines.length ? repeats / lines.length : 0,
    lines: lines.length,
    endsCleanly,
    unclosed: Math.min(depth, 5) + Math.min(ann, 5) + (fences % 2),
    bullets,
    headings,
    codeBlocks: code.blocks,
    codeBlocksBroken: code.broken,
  };
}
