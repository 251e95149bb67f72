// Approximate token counts for upstreams that omit `usage` (some servers drop it from streams).
// ~4 characters per token is the usual English rule of thumb for BPE vocabularies; cost figures
// computed from it are marked as estimated by the caller.
import type { ChatMessage, Usage } from './types';

export function estimateTokens(text: string): number {
  if (!text) return 0;
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Prompt tokens including the few tokens of per-message framing chat templates add. */
export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  let n = 3;
  for (const m of messages) n += 4 + estimateTokens(typeof m.content === 'string' ? m.content : '');
  return n;
}

export function estimateUsage(messages: readonly ChatMessage[], completion: string): Usage {
  const prompt_tokens = estimatePromptTokens(messages);
  const completion_tokens = estimateTokens(completion);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}
