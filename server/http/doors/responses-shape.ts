// The Responses API's response object from the gateway's answer: a message item with output_text
// (or a refusal) and one function_call item per tool call, status and usage in its terms. The same
// builder gives the stream's in-progress snapshot and its final object.
import type { AnswerMeta, ChatResult } from '../../contracts/chat';
import type { ToolCall, Usage } from '../../tiers/types';
import type { ResponsesRequest } from './responses-schema';

const hex = (decisionId: string) => decisionId.replace(/-/g, '');
export const responseId = (decisionId: string) => `resp_${hex(decisionId)}`;
export const messageItemId = (decisionId: string) => `msg_${hex(decisionId)}`;
export const callItemId = (decisionId: string, i: number) => `fc_${hex(decisionId)}_${i}`;

export function outputText(text: string) {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

export function messageItem(decisionId: string, text: string, refusal: string | null | undefined, status: 'in_progress' | 'completed' | 'incomplete') {
  const content = refusal ? [{ type: 'refusal', refusal }] : [outputText(text)];
  return { type: 'message', id: messageItemId(decisionId), status, role: 'assistant', content };
}

export function callItem(decisionId: string, i: number, c: ToolCall, status: 'in_progress' | 'completed', args = c.function.arguments) {
  return { type: 'function_call', id: callItemId(decisionId, i), call_id: c.id, name: c.function.name, arguments: args, status };
}

export function responsesUsage(u: Usage) {
  const cached = u.prompt_tokens_details?.cached_tokens;
  const reasoning = u.completion_tokens_details?.reasoning_tokens;
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: { cached_tokens: typeof cached === 'number' ? cached : 0 },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: typeof reasoning === 'number' ? reasoning : 0 },
    total_tokens: u.total_tokens,
  };
}

interface Final {
  output: Record<string, unknown>[];
  finishReason: ChatResult['finishReason'];
  usage: Usage;
  stored: boolean;
}

/** The response object; without `final`, the in-progress snapshot a stream starts with. */
export function responseObject(body: ResponsesRequest, meta: Pick<AnswerMeta, 'decisionId' | 'tier' | 'model'>, createdAt: number, final?: Final) {
  const incomplete = final?.finishReason === 'length';
  return {
    id: responseId(meta.decisionId),
    object: 'response',
    created_at: createdAt,
    status: !final ? 'in_progress' : incomplete ? 'incomplete' : 'completed',
    error: null,
    incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: meta.tier ?? meta.model,
    output: final?.output ?? [],
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: null },
    store: final ? final.stored : body.store !== false,
    temperature: body.temperature ?? 1,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: (body.tools ?? []).map((t) => ({ ...t, strict: t.strict ?? false })),
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    usage: final ? responsesUsage(final.usage) : null,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
    // The SDKs' convenience (the openai SDK adds it to created responses, not to streamed ones):
    // the text of the output's messages.
    output_text: (final?.output ?? []).flatMap((o) => (o.type === 'message' ? (o.content as { type: string; text?: string }[]).flatMap((c) => (c.type === 'output_text' ? [c.text ?? ''] : [])) : [])).join(''),
  };
}

/** The output items of a finished answer. */
export function outputItems(decisionId: string, content: string, calls: ToolCall[], refusal?: string | null): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (content !== '' || refusal || calls.length === 0) out.push(messageItem(decisionId, content, refusal, 'completed'));
  calls.forEach((c, i) => out.push(callItem(decisionId, i, c, 'completed')));
  return out;
}
