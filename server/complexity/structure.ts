// Length and structure analysis: counts a human would use to judge how much work a prompt asks for.
import { countBullets, countNumberedParts, countSentenceEnds, hasIndentedLine } from './line-items';
import type { Signals } from './types';

export interface Structure {
  tokens: number;
  chars: number;
  sentences: number;
  questions: number;
  numberedParts: number;
  bullets: number;
  paragraphs: number;
  codeBlocks: number;
  hasCode: boolean;
  hasMath: boolean;
  mathDensity: number;
  numbers: number;
  urls: number;
  contextShare: number;
  multiPart: boolean;
  lengthBucket: Signals['lengthBucket'];
}

// An indented line (`^\s{4,}\S` under the m flag) is checked by hasIndentedLine: as part of this
// regex it was quadratic on a long run of newlines.
const CODE_HINT = /```|[{};]\s*$|\b(?:def|function|class|return|import|const|let|var|public|void|#include)\b|=>|\b\w{1,40}\([^)\n]{0,200}\)\s*[{:]/m;
const MATH_HINT = /\$[^$]+\$|\\(?:frac|sqrt|sum|int|cdot|le|ge|pi|alpha|theta)|[∫∑√π≤≥≠±×÷^]|\d\s*[-+*/^=]\s*\d|\b[a-z]\s*[=<>]\s*\d|\b\d+[a-z]\b|\bf\([a-z]\)/i;
const MATH_CHARS = /[0-9=+\-*/^()∫∑√π≤≥≠±×÷$\\]/g;
const ASK_START =
  /^(?:please |can you |could you |would you |i need |i want |help me )?(?:write|create|make|draft|explain|describe|list|give|tell|summari[sz]e|translate|rewrite|analy[sz]e|compare|design|build|implement|fix|find|generate|suggest|what|why|how|who|when|where|which|is|are|do|does|can|should)\b/i;

export function lengthBucket(tokens: number): Signals['lengthBucket'] {
  if (tokens < 8) return 'tiny';
  if (tokens < 30) return 'short';
  if (tokens < 120) return 'medium';
  if (tokens < 500) return 'long';
  return 'very-long';
}

/** Share of characters that are given material (pasted text, code, data) rather than the request. */
function contextShareOf(text: string): number {
  const total = text.trim().length;
  if (total === 0) return 0;
  const paragraphs = text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  if (paragraphs.length < 2) return 0;
  // The ask is usually the first or last paragraph; the rest is material to work on.
  const asks = paragraphs.filter((p) => p.length < 400 && (ASK_START.test(p) || /[?？]\s*$/.test(p)));
  const askChars = asks.length > 0 ? asks.reduce((n, p) => n + p.length, 0) : Math.min(paragraphs[0].length, paragraphs.at(-1)!.length);
  return Math.max(0, Math.min(1, 1 - askChars / total));
}

export function analyzeStructure(text: string, tokens: string[]): Structure {
  const words = tokens.filter((t) => /[\p{L}\p{N}]/u.test(t)).length;
  const sentences = Math.max(text.trim() ? 1 : 0, countSentenceEnds(text));
  const questions = (text.match(/[?？]/g) ?? []).length;
  const numberedParts = countNumberedParts(text);
  const bullets = countBullets(text);
  const paragraphs = text.split(/\n\s*\n/).filter((p) => p.trim()).length;
  const codeBlocks = (text.match(/```/g) ?? []).length >> 1;
  const mathMatches = (text.match(MATH_CHARS) ?? []).length;
  const urls = (text.match(/https?:\/\/\S+/g) ?? []).length;
  const numbers = (text.match(/\d+(?:[.,]\d+)?/g) ?? []).length;
  const hasCode = codeBlocks > 0 || CODE_HINT.test(text) || hasIndentedLine(text);
  const hasMath = MATH_HINT.test(text);
  const askCount = questions + numberedParts + bullets;
  return {
    tokens: words,
    chars: text.length,
    sentences,
    questions,
    numberedParts,
    bullets,
    paragraphs,
    codeBlocks,
    hasCode,
    hasMath,
    mathDensity: text.length ? mathMatches / text.length : 0,
    numbers,
    urls,
    contextShare: contextShareOf(text),
    multiPart: numberedParts >= 2 || bullets >= 3 || questions >= 2 || askCount >= 3,
    lengthBucket: lengthBucket(words),
  };
}
