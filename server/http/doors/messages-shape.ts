// Anthropic's message object from the gateway's answer: text and tool_use blocks, the stop reason,
// usage in input/output tokens.
import type { ChatResult } from '../../contracts/chat';
import type { ToolCall } from '../../tiers/types';

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export function stopReason(finish: ChatResult['finishReason'], calledTools: boolean): AnthropicStopReason {
  if (calledTools) return 'tool_use';
  if (finish === 'length') return 'max_tokens';
  if (finish === 'content_filter') return 'refusal';
  return 'end_turn';
}

/**
 * Anthropic's stop_reason with the stop_sequence that ended the answer. A Chat Completions tier says
 * only finish_reason "stop", for a stop string and for the model's own end alike; vLLM adds the
 * matched string as `stop_reason`, and a server that keeps the string in its output (vLLM's
 * include_stop_str_in_output) shows it at the end of the text. Otherwise it is unknown: end_turn
 * and null, never a guess.
 */
export function stopOf(finish: ChatResult['finishReason'], calledTools: boolean, requested: readonly string[] | undefined, matchedStop: string | undefined, text: string): { stop_reason: AnthropicStopReason; stop_sequence: string | null } {
  const reason = stopReason(finish, calledTools);
  if (reason !== 'end_turn' || finish !== 'stop' || !requested?.length) return { stop_reason: reason, stop_sequence: null };
  const hit = matchedStop !== undefined && requested.includes(matchedStop) ? matchedStop : requested.find((s) => s !== '' && text.endsWith(s));
  return hit === undefined ? { stop_reason: reason, stop_sequence: null } : { stop_reason: 'stop_sequence', stop_sequence: hit };
}

/** A tool call's arguments as the object Anthropic's tool_use carries (the gateway checked they parse). */
export function toolInput(call: ToolCall): Record<string, unknown> {
  try {
    const v = JSON.parse(call.function.arguments || '{}') as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return {};
  }
}

export const messageId = (decisionId: string) => `msg_${decisionId.replace(/-/g, '')}`;

export function messageBody(r: ChatResult, stopSequences?: readonly string[]) {
  const calls = r.extras?.toolCalls ?? [];
  const content: Record<string, unknown>[] = [];
  if (r.content !== '' || calls.length === 0) content.push({ type: 'text', text: r.content, citations: null });
  for (const c of calls) content.push({ type: 'tool_use', id: c.id, name: c.function.name, input: toolInput(c) });
  return {
    id: messageId(r.decisionId),
    type: 'message',
    role: 'assistant',
    model: r.tier ?? r.model,
    content,
    ...stopOf(r.finishReason, calls.length > 0, stopSequences, r.extras?.matchedStop, r.content),
    usage: { input_tokens: r.usage.prompt_tokens, output_tokens: r.usage.completion_tokens, cache_creation_input_tokens: null, cache_read_input_tokens: cachedTokens(r.usage.prompt_tokens_details) },
  };
}

export function cachedTokens(details: Record<string, unknown> | undefined): number | null {
  const v = details?.cached_tokens;
  return typeof v === 'number' ? v : null;
}
