// Answer checks: a cheap tier's answer that fails one of these is not returned, the request escalates.
// Each check is on or off in the policy (validators); all are pure and cheap (no model calls).
import type { ChatRequest, ToolCall } from '../tiers/types';
import type { Policy } from './policy';
import { checkJsonSchema, checkToolCalls, type ToolRequest } from './structured-checks';

export type CheckName = 'empty' | 'refusal' | 'truncated' | 'json' | 'tool_call' | 'low_confidence';
export type CheckResult = { ok: true } | { ok: false; check: CheckName; detail: string };

export interface AnswerToCheck {
  content: string;
  finishReason: string | null;
  /** The client's own max_tokens: a "length" stop is then what it asked for, not a failure. */
  clientMaxTokens?: number | null;
  responseFormat?: 'text' | 'json_object' | 'json_schema' | null;
  /** Per-token log probabilities, when the tier returned them. */
  logprobs?: number[] | null;
  /** The answer's tool calls, and what the request allowed (tools, tool_choice, parallel calls, the response schema). */
  toolCalls?: readonly ToolCall[];
  request?: ToolRequest & Pick<ChatRequest, 'response_format'>;
}

export type ValidatorConfig = Policy['validators'];

// Openings of refusals in the languages our users write in. Anchored near the start of the answer:
// an answer that *discusses* refusing, or refuses one part and then answers, is not a refusal.
const REFUSALS: RegExp[] = [
  /\b(i'?m|i am) (sorry|afraid),? (but )?(i|as an ai)\b.{0,40}\b(can(no|')t|cannot|unable|not able|won'?t)\b/i,
  /^\s*(i|we) (can(no|')t|cannot|won'?t|am unable to|'m unable to|am not able to) (help|assist|provide|comply|do that|fulfil|answer)/i,
  /\bas an ai( language model)?,? i (can(no|')t|cannot|am unable|am not able|don'?t)\b/i,
  /\b(es tut mir leid|leider)\b.{0,40}\b(kann ich|ich kann)\b.{0,30}\b(nicht|keine)\b/i,
  /^\s*ich kann (ihnen |dir |dabei |damit )*nicht (helfen|behilflich)/i,
  /\b(je suis d[ée]sol[ée]e?|d[ée]sol[ée]e?),? (mais )?je ne (peux|suis pas en mesure)/i,
  /\bje ne peux pas (vous |t')?(aider|r[ée]pondre|fournir)/i,
  /\blo siento,? (pero )?no (puedo|me es posible)/i,
  /\bno puedo (ayudar|ayudarte|proporcionar|responder)/i,
  /\bmi dispiace,? (ma )?non (posso|sono in grado)/i,
  /\b(desculpe|sinto muito),? (mas )?n[ãa]o (posso|consigo)/i,
  /(抱歉|对不起|很遗憾)[，,]?\s*(但)?我(无法|不能|没办法)/,
  /我(无法|不能)(帮助|协助|提供|回答)/,
  /申し訳(ありません|ございません)が.{0,40}(できません|お答えできません)/,
  /(извините|к сожалению),? (но )?я не (могу|в состоянии)/i,
  /죄송(하지만|합니다).{0,40}(수 없습니다|없어요)/,
];
export const REFUSAL_WINDOW = 240;
const REFUSAL_MAX_LENGTH = 600;

export function isRefusal(content: string): boolean {
  const text = content.trim();
  if (text.length > REFUSAL_MAX_LENGTH) return false;
  return refusalHead(text);
}

/** The refusal patterns on the first REFUSAL_WINDOW characters only: what a stream can check before releasing tokens. */
export function refusalHead(content: string): boolean {
  const head = content.trimStart().slice(0, REFUSAL_WINDOW);
  return REFUSALS.some((re) => re.test(head));
}

/** Checks that can run on the head of a streamed answer before any token reaches the client. */
export function checkHead(head: string, logprobs: number[] | null, config: ValidatorConfig): CheckResult {
  if (config.refusal && refusalHead(head)) return { ok: false, check: 'refusal', detail: 'the answer opens with a refusal' };
  if (config.minLogprob !== null && logprobs && logprobs.length > 0) {
    const m = meanLogprob(logprobs);
    if (m !== null && m < config.minLogprob) return { ok: false, check: 'low_confidence', detail: `mean token logprob ${m.toFixed(2)} of the first tokens is below ${config.minLogprob}` };
  }
  return { ok: true };
}

function checkJson(content: string, format: 'json_object' | 'json_schema'): string | null {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (e) {
    return `asked for JSON, answer is not valid JSON (${e instanceof Error ? e.message.slice(0, 80) : 'parse error'})`;
  }
  if (format === 'json_object' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    return 'asked for a JSON object, answer is JSON but not an object';
  }
  return null;
}

export function meanLogprob(logprobs: number[]): number | null {
  const finite = logprobs.filter(Number.isFinite);
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : null;
}

/** Runs the enabled checks in a fixed order and returns the first failure. */
export function checkAnswer(a: AnswerToCheck, config: ValidatorConfig): CheckResult {
  const called = (a.toolCalls?.length ?? 0) > 0;
  if (config.empty && !called && a.content.trim().length === 0) return { ok: false, check: 'empty', detail: 'the answer is empty' };
  if (config.truncated && a.finishReason === 'length' && a.clientMaxTokens == null) {
    return { ok: false, check: 'truncated', detail: 'the answer was cut at the tier\'s token limit (finish_reason "length") and the client set no max_tokens' };
  }
  // Structured output: JSON answers, their schema, and tool calls (the json switch covers all three).
  if (config.json && !called && (a.responseFormat === 'json_object' || a.responseFormat === 'json_schema')) {
    const problem = checkJson(a.content, a.responseFormat) ?? checkJsonSchema(a.content, a.request?.response_format);
    if (problem) return { ok: false, check: 'json', detail: problem };
  }
  if (config.json && a.request && (called || a.request.tool_choice !== undefined)) {
    const problem = checkToolCalls(a.toolCalls, a.request);
    if (problem) return { ok: false, check: 'tool_call', detail: problem };
  }
  if (config.refusal && !called && isRefusal(a.content)) return { ok: false, check: 'refusal', detail: 'the answer is a refusal' };
  if (config.minLogprob !== null && a.logprobs && a.logprobs.length > 0) {
    const m = meanLogprob(a.logprobs);
    if (m !== null && m < config.minLogprob) {
      return { ok: false, check: 'low_confidence', detail: `mean token logprob ${m.toFixed(2)} is below ${config.minLogprob}` };
    }
  }
  return { ok: true };
}
