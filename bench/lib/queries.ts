// Synthetic queries of a given length for the analyzer benches (complexity.bench.ts, ab-analyzer.ts):
// everyday words, a full stop every 14 words, seeded so every run sees the same texts.
import { mulberry32 } from '../../server/complexity/hash';

const WORDS = (
  'the a of to and in for on with how what why can you please write explain compare analyze market business plan ' +
  'python function error code data report sources study customer email quickly detailed summary table list steps ' +
  'design system users growth strategy budget team project review evidence price energy battery model weather city ' +
  'travel recipe health sleep school history science language learn simple question answer example describe create'
).split(' ');

export function query(words: number, seed: number): string {
  const rand = mulberry32(seed);
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)] + ((i + 1) % 14 === 0 ? '.' : ''));
  return `${out.join(' ')}?`;
}
