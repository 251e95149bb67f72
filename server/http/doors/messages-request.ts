// An Anthropic Messages request as the gateway's request: system and content blocks become chat
// messages (tool_use -> an assistant's tool_calls, tool_result -> tool messages, images -> image_url
// parts), tools and tool_choice their OpenAI equivalents. What the tier sees is what a Chat
// Completions client would have sent for the same conversation.
import type { GatewayRequest } from '../../contracts/chat';
import type { ChatMessage, ContentPart, ToolChoice, ToolDefinition } from '../../tiers/types';
import { MESSAGES_FIELDS, type AnthropicMessage, type MessagesRequest } from './messages-schema';

type ImageSource = { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };

function imagePart(source: ImageSource): ContentPart {
  const url = source.type === 'base64' ? `data:${source.media_type};base64,${source.data}` : source.url;
  return { type: 'image_url', image_url: { url } };
}

function textOf(blocks: string | { type: string; text?: string }[] | undefined): string {
  if (blocks === undefined) return '';
  if (typeof blocks === 'string') return blocks;
  return blocks.flatMap((b) => (b.type === 'text' && b.text !== undefined ? [b.text] : [])).join('\n');
}

/** One Anthropic turn as one or more chat messages (a user turn's tool results come first, as tool messages). */
function toChatMessages(m: AnthropicMessage): ChatMessage[] {
  if (typeof m.content === 'string') return [{ role: m.role, content: m.content }];
  if (m.role === 'assistant') {
    const out: ChatMessage = { role: 'assistant', content: textOf(m.content as { type: string; text?: string }[]) };
    const calls = m.content.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, type: 'function' as const, function: { name: b.name, arguments: JSON.stringify(b.input) } }] : []));
    if (calls.length) out.tool_calls = calls;
    return [out];
  }
  const out: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  for (const b of m.content) {
    if (b.type === 'tool_result') {
      const text = textOf(b.content);
      // A failed tool run is said in the text: Chat Completions has no flag for it.
      out.push({ role: 'tool', tool_call_id: b.tool_use_id, content: b.is_error ? `Error: ${text}` : text });
    } else if (b.type === 'text') parts.push({ type: 'text', text: b.text });
    else parts.push(imagePart(b.source));
  }
  if (parts.length) {
    const msg: ChatMessage = { role: 'user', content: parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n') };
    if (parts.some((p) => p.type !== 'text')) msg.parts = parts;
    out.push(msg);
  }
  return out;
}

function toolChoiceOf(c: MessagesRequest['tool_choice']): { choice?: ToolChoice; parallel?: boolean } {
  if (!c) return {};
  const parallel = 'disable_parallel_tool_use' in c && c.disable_parallel_tool_use ? false : undefined;
  if (c.type === 'auto') return { choice: 'auto', parallel };
  if (c.type === 'any') return { choice: 'required', parallel };
  if (c.type === 'none') return { choice: 'none' };
  return { choice: { type: 'function', function: { name: c.name } }, parallel };
}

/**
 * Extended thinking as the reasoning hint OpenAI-compatible servers take (vLLM, SGLang and Ollama
 * pass `reasoning_effort` to reasoning models' chat templates): a thinking budget under 4,096 tokens
 * is "low", under 16,384 "medium", above "high". Disabled or unknown shapes give no hint. The
 * answer carries no thinking blocks: the tier's reasoning is not returned through this door.
 */
export function reasoningEffortOf(thinking: unknown): 'low' | 'medium' | 'high' | null {
  const t = thinking as { type?: unknown; budget_tokens?: unknown } | null | undefined;
  if (!t || typeof t !== 'object' || t.type !== 'enabled') return null;
  const budget = typeof t.budget_tokens === 'number' ? t.budget_tokens : 0;
  return budget < 4096 ? 'low' : budget < 16_384 ? 'medium' : 'high';
}

// Anthropic-only fields with no Chat Completions meaning: accepted, not sent to an OpenAI-compatible
// tier (thinking becomes reasoning_effort above).
const NOT_FORWARDED = new Set(['thinking', 'service_tier', 'container', 'mcp_servers', 'context_management', 'anthropic_version']);

export function messagesGatewayFields(body: MessagesRequest, raw: Record<string, unknown>): Omit<GatewayRequest, 'model' | 'source'> {
  const messages: ChatMessage[] = [];
  const system = textOf(body.system);
  if (system) messages.push({ role: 'system', content: system });
  for (const m of body.messages) messages.push(...toChatMessages(m));
  const out: Omit<GatewayRequest, 'model' | 'source'> = { messages, max_tokens: body.max_tokens, door: 'messages' };
  if (body.temperature !== undefined) out.temperature = body.temperature;
  if (body.top_p !== undefined) out.top_p = body.top_p;
  if (body.stop_sequences?.length) out.stop = body.stop_sequences;
  if (body.metadata?.user_id) out.user = body.metadata.user_id;
  if (body.tools?.length) {
    out.tools = body.tools.map((t): ToolDefinition => ({ type: 'function', function: { name: t.name, ...(t.description ? { description: t.description } : {}), parameters: t.input_schema } }));
  }
  const { choice, parallel } = toolChoiceOf(body.tool_choice);
  if (choice && out.tools) out.tool_choice = choice;
  if (parallel === false && out.tools) out.parallel_tool_calls = false;
  let extra: Record<string, unknown> | undefined;
  if (body.top_k !== undefined) extra = { top_k: body.top_k };
  const effort = reasoningEffortOf(body.thinking);
  if (effort) (extra ??= {}).reasoning_effort = effort;
  for (const k in raw) if (!MESSAGES_FIELDS.has(k) && !NOT_FORWARDED.has(k)) (extra ??= {})[k] = raw[k];
  if (extra) out.extra = extra;
  return out;
}
