// The judge tier's rubric: single-answer grading on a 1–10 scale, the format of MT-bench-style
// judges ("[[rating]]"), so a judge model's grades read like the recorded grades the offline
// evaluation simulates.
import type { ChatRequest } from '../tiers/types';

const RUBRIC = [
  'You are an impartial judge. Evaluate the quality of the AI assistant\'s answer to the user\'s request below:',
  'correctness first (check any calculation and the final answer), then helpfulness, relevance, completeness',
  'and clarity. Be strict: an answer with a wrong result or a missing part is a poor answer. Give a short',
  'explanation, then your rating from 1 to 10 in exactly this format: "Rating: [[5]]".',
].join(' ');

const MAX_CHARS = 24_000;

export function judgeRequest(req: ChatRequest, answer: string): ChatRequest {
  const question = req.messages.filter((m) => m.role !== 'system').map((m) => `${m.role.toUpperCase()}: ${m.content}`).join('\n\n').slice(-MAX_CHARS);
  return {
    messages: [
      { role: 'system', content: RUBRIC },
      { role: 'user', content: `[The request]\n${question}\n\n[The answer to grade]\n${answer.slice(0, MAX_CHARS)}\n[End of answer]` },
    ],
    temperature: 0,
    max_tokens: 400,
  };
}

/** The last "[[n]]" (1–10) in the judge's reply; null when there is none. */
export function parseGrade(reply: string): number | null {
  let i = reply.lastIndexOf('[[');
  while (i >= 0) {
    const end = reply.indexOf(']]', i + 2);
    if (end > i && end - i <= 8) {
      const n = Number(reply.slice(i + 2, end).trim());
      if (Number.isFinite(n) && n >= 1 && n <= 10) return n;
    }
    if (i === 0) break;
    i = reply.lastIndexOf('[[', i - 1);
  }
  return null;
}
