// Synthetic queries for the benches: of a given length for the analyzer (complexity.bench.ts,
// ab-analyzer.ts; everyday words, a full stop every 14 words, seeded so every run sees the same texts),
// and the router bench's templated traffic, which the cache bench replays.
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

// Varied everyday prompts; the request number makes each one unique, so every request is a cache miss.
const TEMPLATES = [
  'What is the capital of France?',
  'Translate "good morning" into Spanish.',
  'Write a haiku about autumn leaves.',
  'Explain what a hash table is in two sentences.',
  'Give me three name ideas for a bakery.',
  'How many days are there in a leap year?',
  'Summarize the plot of Romeo and Juliet briefly.',
  'What does HTTP status 404 mean?',
];

/** The router bench's request i: one of 8 templates plus its request number. */
export const templatedPrompt = (i: number) => `${TEMPLATES[i % TEMPLATES.length]} (request ${i})`;
