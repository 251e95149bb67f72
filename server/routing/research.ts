// The research pipeline: a planning call splits the question into sub-questions (JSON, with a
// tolerant fallback), the worker tier answers them in parallel (bounded), and the synthesizer
// writes a structured answer citing the sub-answers as [1], [2], ... Every call is an attempt in
// the shared log, so the decision record shows each step with its cost. prepareResearch() does
// the plan and fan-out; the caller runs the synthesis request (streamed or not) on the same log.
import type { ChatMessage, ChatRequest } from '../tiers/types';
import type { AttemptLog } from './attempts';
import { executeChat } from './executor';
import type { ResearchSteps } from './plan';
import type { TierInvoker } from './ports';
import type { ValidatorConfig } from './validators';
import { isSpace } from '../lib/linear-text';

export interface SubAnswer {
  question: string;
  answer: string | null;
  /** Why there is no answer, when the worker failed. */
  error: string | null;
}

/** Where the preparation is, for a person waiting on it: planning, n of m sub-questions answered, writing. */
export interface ResearchProgress {
  stage: 'plan' | 'sub' | 'synthesize';
  done: number;
  total: number;
}

export interface PreparedResearch {
  subQuestions: string[];
  /** 'json' when the planner's JSON parsed, 'lines' for the list fallback, 'question' when nothing worked. */
  planSource: 'json' | 'lines' | 'question';
  subAnswers: SubAnswer[];
  /** The synthesis call: the client's request with the sub-answers as context. */
  synthesis: ChatRequest;
}

const PLANNER_PROMPT = (max: number) =>
  `You plan research. Split the user's question into at most ${max} self-contained sub-questions that together cover it. ` +
  `Answer with JSON only: {"sub_questions": ["...", "..."]}`;

const SYNTH_PROMPT =
  'You write the final answer to a research question from the numbered findings below. Structure it with a short summary, ' +
  'then sections with headings, then open questions. Cite findings as [n] after the sentences that use them. ' +
  'Do not invent findings; say when a finding was unavailable.';

function strings(x: unknown): string[] | null {
  if (!Array.isArray(x)) return null;
  const out = x.map((q) => (typeof q === 'string' ? q : typeof (q as { question?: unknown })?.question === 'string' ? (q as { question: string }).question : '')).map((q) => q.trim()).filter(Boolean);
  return out.length ? out : null;
}

/** Sub-questions from the planner's text: JSON (object or array, possibly fenced or with chatter), else a list. */
export function parseSubQuestions(text: string, max: number): { questions: string[]; source: 'json' | 'lines' } | null {
  const candidates = [outermost(text, '{', '}'), outermost(text, '[', ']')].filter((c): c is string => !!c);
  for (const c of candidates) {
    try {
      const v = JSON.parse(c) as unknown;
      const o = v as Record<string, unknown>;
      const qs = strings(v) ?? strings(o?.sub_questions) ?? strings(o?.subQuestions) ?? strings(o?.questions);
      if (qs) return { questions: dedupe(qs).slice(0, max), source: 'json' };
    } catch {
      // not JSON after all: try the next candidate, then the list fallback
    }
  }
  const lines = text
    .split('\n')
    .map(listItem)
    .filter((l): l is string => !!l && l.length > 3);
  return lines.length ? { questions: dedupe(lines).slice(0, max), source: 'lines' } : null;
}

/** From the first `open` to the last `close` after it (what `/\{[\s\S]*\}/` matched, without its quadratic search). */
function outermost(text: string, open: string, close: string): string | undefined {
  const a = text.indexOf(open);
  const b = text.lastIndexOf(close);
  return a >= 0 && b > a ? text.slice(a, b + 1) : undefined;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isBreak = (c: string) => c === '\r' || c === '\u2028' || c === '\u2029';

/**
 * The text of a list line ("1. …", "2) …", "- …", "* …", "• …"), trimmed; what
 * `/^\s*(?:\d+[.)]|[-*•])\s+(.+)$/` captured, in one pass (the regex backtracked quadratically on
 * a long run of spaces before a line break).
 */
function listItem(line: string): string | undefined {
  const len = line.length;
  let p = 0;
  while (p < len && isSpace(line.charCodeAt(p))) p++;
  let q = p;
  if (isDigit(line[q])) {
    while (isDigit(line[q])) q++;
    if (line[q] !== '.' && line[q] !== ')') return undefined;
    q++;
  } else if (line[q] === '-' || line[q] === '*' || line[q] === '•') q++;
  else return undefined;
  if (q >= len || !isSpace(line.charCodeAt(q))) return undefined;
  let r = q;
  while (r < len && isSpace(line.charCodeAt(r))) r++;
  for (let i = r; i < len; i++) if (isBreak(line[i])) return undefined;
  return r < len ? line.slice(r).trim() : undefined;
}

function dedupe(qs: string[]): string[] {
  return [...new Set(qs)];
}

/** Runs fn over items with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

function question(messages: ChatMessage[]): string {
  return [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

export async function prepareResearch(
  inv: TierInvoker,
  input: { steps: ResearchSteps; request: ChatRequest; validators: ValidatorConfig; log: AttemptLog; signal?: AbortSignal; priority?: number; onProgress?: (p: ResearchProgress) => void },
): Promise<PreparedResearch> {
  const { steps, request, validators, log, signal, priority } = input;
  const progress = (p: ResearchProgress) => {
    try {
      input.onProgress?.(p);
    } catch {
      // a listener's failure is not the research's
    }
  };
  progress({ stage: 'plan', done: 0, total: 0 });
  const q = question(request.messages);
  const planReq: ChatRequest = {
    messages: [{ role: 'system', content: PLANNER_PROMPT(steps.maxSubQuestions) }, { role: 'user', content: q }],
    temperature: 0,
  };
  // The plan is free text to us (parsed leniently), so the JSON check must not reject it.
  const plan = await executeChat(inv, { chain: [steps.planner], request: planReq, validators: { ...validators, json: false }, step: 'plan', log, signal, priority });
  const parsed = plan.status === 'ok' ? parseSubQuestions(plan.content, steps.maxSubQuestions) : null;
  const subQuestions = parsed?.questions ?? [q];
  const planSource = parsed?.source ?? 'question';
  let answered = 0;
  progress({ stage: 'sub', done: 0, total: subQuestions.length });

  const subAnswers = await mapLimit(subQuestions, steps.parallelism, async (sq, i): Promise<SubAnswer> => {
    const r = await executeChat(inv, {
      chain: [steps.worker],
      request: { messages: [{ role: 'system', content: 'Answer the question concisely and factually. Say what you are unsure of.' }, { role: 'user', content: sq }] },
      validators: { ...validators, json: false },
      step: `sub:${i + 1}`,
      log,
      signal,
      priority,
    });
    progress({ stage: 'sub', done: ++answered, total: subQuestions.length });
    return r.status === 'ok' ? { question: sq, answer: r.content, error: null } : { question: sq, answer: null, error: r.error?.message ?? 'failed' };
  });
  progress({ stage: 'synthesize', done: subQuestions.length, total: subQuestions.length });

  const findings = subAnswers.map((s, i) => `[${i + 1}] ${s.question}\n${s.answer ?? `(unavailable: ${s.error})`}`).join('\n\n');
  const synthesis: ChatRequest = {
    ...request,
    messages: [...request.messages.filter((m) => m.role !== 'user' || m.content !== q), { role: 'system', content: `${SYNTH_PROMPT}\n\nFindings:\n\n${findings}` }, { role: 'user', content: q }],
  };
  return { subQuestions, planSource, subAnswers, synthesis };
}
