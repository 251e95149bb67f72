// Which requests may be answered from (and stored in) the cache, and under which scope. Pure: the
// gateway calls it before lookup and before store with the same request, so both see one answer.
import type { Policy } from '../routing/policy';
import type { ChatRequest } from '../tiers/types';
import { MAX_PROMPT_CHARS, normalizePrompt } from './normalize';
import type { CacheScope } from './types';

export type CachePolicy = Policy['cache'];

/** Why a request does not use the cache; `forced` (a tier named in the request) and `explored` (the tuner's exploration) are set by the gateway. */
export type BypassReason = 'off' | 'no_prompt' | 'empty' | 'too_long' | 'conversation' | 'temperature' | 'logprobs' | 'tools' | 'media' | 'choices' | 'seed' | 'forced' | 'explored';

export type Eligibility =
  | { eligible: true; prompt: string; systemPrompt: string; params: string }
  | { eligible: false; reason: BypassReason; detail: string };

/** Answers are stored per max_tokens bucket: an answer cut at 64 tokens must not serve a 4k request. */
export function maxTokensBucket(maxTokens: number | undefined): string {
  if (maxTokens === undefined || !Number.isFinite(maxTokens) || maxTokens <= 0) return 'default';
  for (const b of [64, 256, 1024, 4096]) if (maxTokens <= b) return `<=${b}`;
  return '>4096';
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const keys = Object.keys(v as Record<string, unknown>).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Decides whether a chat request may use the cache. Temperature unset counts as eligible (the
 * tier's default applies, and most API clients leave it unset for factual questions).
 */
export function cacheEligibility(request: Pick<ChatRequest, 'messages' | 'temperature' | 'max_tokens' | 'response_format' | 'stop' | 'logprobs' | 'top_p' | 'tools' | 'n' | 'seed' | 'extra'>, policy: CachePolicy): Eligibility {
  const no = (reason: BypassReason, detail: string): Eligibility => ({ eligible: false, reason, detail });
  if (!policy.enabled) return no('off', 'cache disabled by policy');
  const messages = Array.isArray(request.messages) ? request.messages : [];
  const system = messages.filter((m) => m.role === 'system');
  const rest = messages.filter((m) => m.role !== 'system');
  const last = rest[rest.length - 1];
  if (!last || last.role !== 'user' || typeof last.content !== 'string') return no('no_prompt', 'the last message is not a user message');
  const earlier = rest.slice(0, -1);
  if (earlier.length > 0 && !policy.allowConversations) return no('conversation', `${earlier.length} earlier turn(s)`);
  if (typeof request.temperature === 'number' && request.temperature > policy.maxTemperature) {
    return no('temperature', `temperature ${request.temperature} > ${policy.maxTemperature}`);
  }
  if (request.logprobs) return no('logprobs', 'cached answers carry no logprobs');
  // A cached answer is text: it cannot stand for a tool call, an answer about an image or sound,
  // several choices, or a seeded sample the client means to reproduce.
  if ((request.tools?.length ?? 0) > 0 || request.extra?.functions) return no('tools', 'the request offers tools');
  if (messages.some((m) => m.parts || m.tool_calls || m.role === 'tool' || m.role === 'function')) return no('media', 'the conversation carries images, audio, files or tool turns');
  if ((request.n ?? 1) > 1) return no('choices', `n = ${request.n}`);
  if (request.seed !== undefined) return no('seed', 'a seeded request is answered by the model');
  // A prompt over four times the limit is bypassed before it is normalised: only one that is three
  // quarters whitespace or invisible characters would fit after normalising, and normalising a 4 MB
  // prompt on the request path costs every other client tens of milliseconds.
  if (last.content.length > MAX_PROMPT_CHARS * 4) return no('too_long', `prompt longer than ${MAX_PROMPT_CHARS} characters`);
  const norm = normalizePrompt(last.content);
  if (norm === '') return no('empty', 'empty prompt');
  if (norm.length > MAX_PROMPT_CHARS) return no('too_long', `prompt longer than ${MAX_PROMPT_CHARS} characters`);
  const params = canonicalJson({
    response_format: request.response_format,
    stop: request.stop,
    top_p: request.top_p,
    max_tokens: maxTokensBucket(request.max_tokens),
    // With conversations allowed, only an identical history may share an answer.
    history: earlier.length > 0 ? earlier.map((m) => [m.role, normalizePrompt(m.content ?? '')]) : undefined,
  });
  return { eligible: true, prompt: last.content, systemPrompt: system.map((m) => m.content).join('\n'), params };
}

/** The cache scope for an eligible request of a tenant (API-key group or user org). */
export function scopeFor(tenant: string, e: Extract<Eligibility, { eligible: true }>): CacheScope {
  return { tenant, systemPrompt: e.systemPrompt, params: e.params };
}
