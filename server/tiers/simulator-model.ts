// What a simulated model says and how fast: the latency model (time to first token + tokens/s by
// size), deterministic templated answers (same seed + model + prompt -> same answer), a default
// quality model, and the outcome-oracle hook a tuning simulation uses to decide correctness.
import type { ChatMessage, TierRole } from './types';

export interface SimModelSpec {
  id: string;
  role: Exclude<TierRole, 'embedding' | 'judge'>;
  /** Time to first token at speed 1. */
  ttftMs: number;
  tokensPerSecond: number;
  /** Share of requests answered with HTTP 500, 0..1. */
  failureRate: number;
  /** Requests decoded at once; more wait (shown as vllm:num_requests_waiting). */
  maxConcurrency: number;
  /** Probability that an answer is correct when no oracle decides. */
  baseQuality: number;
  /** Answer length range in tokens. */
  minTokens: number;
  maxTokens: number;
}

export const DEFAULT_SIM_MODELS: SimModelSpec[] = [
  { id: 'sim-small', role: 'small', ttftMs: 80, tokensPerSecond: 150, failureRate: 0, maxConcurrency: 64, baseQuality: 0.62, minTokens: 20, maxTokens: 60 },
  { id: 'sim-medium', role: 'medium', ttftMs: 200, tokensPerSecond: 60, failureRate: 0, maxConcurrency: 32, baseQuality: 0.78, minTokens: 40, maxTokens: 120 },
  { id: 'sim-large', role: 'large', ttftMs: 600, tokensPerSecond: 25, failureRate: 0, maxConcurrency: 16, baseQuality: 0.9, minTokens: 60, maxTokens: 180 },
];

/** USD per million tokens, in the range of hosted 8B / Mixtral-class / frontier models (2025). */
export const SIMULATED_PRICES: Record<SimModelSpec['role'], { inputPricePerM: number; outputPricePerM: number }> = {
  small: { inputPricePerM: 0.1, outputPricePerM: 0.2 },
  medium: { inputPricePerM: 0.6, outputPricePerM: 0.6 },
  large: { inputPricePerM: 2.5, outputPricePerM: 10 },
};

export interface OracleInput {
  model: string;
  role: SimModelSpec['role'];
  /** The last user message. */
  prompt: string;
  messages: ChatMessage[];
}

/** What the oracle decides for one (model, prompt); every field is optional. */
export interface OracleVerdict {
  correct?: boolean;
  /** 0..1, reported back to the caller. */
  quality?: number;
  /** Replace the answer text (still prefixed as simulated). */
  content?: string;
  refuse?: boolean;
  empty?: boolean;
  /** Answer with this HTTP status instead (e.g. 500, 429). */
  status?: number;
  /** Answer with these tool calls instead (as the wire carries them: a bad one tests the checks). */
  toolCalls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
}
export type OutcomeOracle = (input: OracleInput) => OracleVerdict | null | undefined;

// Stable across runs and machines, so simulated answers do not change (server/lib/random.ts).
export { fnv1a as hash32, mulberry32 as prng } from '../lib/random';

const STOP = new Set('the a an and or of to in on for with is are was were be what how why when which who does do can could would should about from this that these those it its into your you me my i'.split(' '));
const OPENERS = ['In short,', 'Put simply,', 'The key point is that', 'Broadly speaking,', 'To answer directly,'];
const FILLERS = [
  'depends on the context in which {t} is used',
  'is usually understood by looking at {t} and {u} together',
  'can be explained step by step, starting from {t}',
  'has a well-known standard answer that involves {u}',
  'is best approached by first clarifying what {t} means',
  'relates closely to {u}, which is often the deciding factor',
  'follows from the definition of {t}',
];

export function topicsOf(prompt: string): string[] {
  const words = prompt.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
  const seen = new Set<string>();
  for (const w of words) if (w.length > 2 && !STOP.has(w)) seen.add(w);
  const out = [...seen].sort((a, b) => b.length - a.length).slice(0, 4);
  return out.length > 0 ? out : ['the question'];
}

/** A plausible-looking, clearly simulated answer of about `tokens` words. */
export function simulatedAnswer(role: string, prompt: string, tokens: number, rand: () => number, json: boolean): string {
  const topics = topicsOf(prompt);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const words: string[] = [];
  while (words.length < tokens) {
    const t = pick(topics);
    const u = pick(topics);
    const s = `${pick(OPENERS)} ${t} ${pick(FILLERS).replace('{t}', t).replace('{u}', u)}.`;
    words.push(...s.split(' '));
  }
  const text = words.slice(0, Math.max(1, tokens)).join(' ');
  return json ? JSON.stringify({ simulated: role, answer: text }) : `[simulated ${role}] ${text}`;
}

export function lastUserMessage(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i].role === 'user') return messages[i].content;
  return messages[messages.length - 1]?.content ?? '';
}

/** What the simulated tiers serve: text, tools, JSON schema, logprobs, and a plain description of images and audio. */
export const SIMULATED_CAPABILITIES = { vision: true, audio: true, contextTokens: 32_768 } as const;
