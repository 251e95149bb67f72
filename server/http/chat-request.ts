// A parsed Chat Completions body as the gateway's request: the fields Cascade reads by name, every
// other field the client sent (known to OpenAI or not) in `extra`, forwarded to the tier as it came.
import type { GatewayRequest } from '../contracts/chat';
import type { ChatMessage } from '../tiers/types';
import type { ChatCompletionBody } from './chat-schema';

// Known fields that only the tier reads: forwarded unchanged.
const FORWARDED = ['frequency_penalty', 'presence_penalty', 'logit_bias', 'reasoning_effort', 'verbosity', 'metadata', 'modalities', 'store', 'service_tier', 'safety_identifier', 'prompt_cache_key', 'audio', 'prediction', 'web_search_options', 'functions', 'function_call'] as const;

const defined = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

export function gatewayFields(body: ChatCompletionBody, messages: ChatMessage[], extra: Record<string, unknown> | undefined): Pick<GatewayRequest, 'messages' | 'max_tokens' | 'temperature' | 'top_p' | 'stop' | 'response_format' | 'user' | 'tools' | 'tool_choice' | 'parallel_tool_calls' | 'n' | 'seed' | 'logprobs' | 'top_logprobs' | 'extra'> {
  let forwarded = extra;
  const b = body as Record<string, unknown>;
  for (const k of FORWARDED) if (b[k] !== undefined && b[k] !== null) (forwarded ??= {})[k] = b[k];
  const out: ReturnType<typeof gatewayFields> = {
    messages,
    max_tokens: defined(body.max_completion_tokens ?? body.max_tokens),
    temperature: defined(body.temperature),
    top_p: defined(body.top_p),
    stop: defined(body.stop),
    response_format: defined(body.response_format),
    user: body.user,
  };
  if (body.tools?.length) out.tools = body.tools;
  if (body.tool_choice != null) out.tool_choice = body.tool_choice;
  if (body.parallel_tool_calls != null) out.parallel_tool_calls = body.parallel_tool_calls;
  if (body.n != null && body.n !== 1) out.n = body.n;
  if (body.seed != null) out.seed = body.seed;
  if (body.logprobs != null) out.logprobs = body.logprobs;
  if (body.top_logprobs != null) out.top_logprobs = body.top_logprobs;
  if (forwarded) out.extra = forwarded;
  return out;
}
