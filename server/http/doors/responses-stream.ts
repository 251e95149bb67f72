// The Responses API's event stream for one answer: response.created and .in_progress, then a message
// item (output_item.added, content_part.added, output_text.delta…, output_text.done,
// content_part.done, output_item.done) when there is text, one function_call item per tool call
// (its arguments in one delta: the gateway holds calls until they are whole and checked), and
// response.completed with usage once the answer is stored. When every tier of the chain fails after
// the start, the stream ends with response.failed: the response with status "failed", its `error`
// ({code, message}) and what had been streamed; it is not stored.
import type { ChatStream } from '../../contracts/chat';
import { ZERO_USAGE } from '../../gateway/answer';
import type { ToolCall } from '../../tiers/types';
import type { ResponsesRequest } from './responses-schema';
import { callItem, messageItem, messageItemId, outputItems, outputText, responseObject } from './responses-shape';

/** Keeps one answer for previous_response_id; says whether that worked (the answer is sent either way). */
export type Keep = (decisionId: string, response: Record<string, unknown>, content: string, calls: ToolCall[]) => Promise<boolean>;

export async function* responsesStream(stream: ChatStream, body: ResponsesRequest, createdAt: number, keep: Keep): AsyncGenerator<string> {
  let seq = 0;
  const frame = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`;
  const meta = { ...stream.meta };
  yield frame('response.created', { response: responseObject(body, meta, createdAt) });
  yield frame('response.in_progress', { response: responseObject(body, meta, createdAt) });
  const id = meta.decisionId;
  const itemId = messageItemId(id);
  let text = '';
  let textOpen = false;
  let index = -1;
  const calls: ToolCall[] = [];
  function* closeText(): Generator<string> {
    if (!textOpen) return;
    textOpen = false;
    yield frame('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text, logprobs: [] });
    yield frame('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: outputText(text) });
    yield frame('response.output_item.done', { output_index: 0, item: messageItem(id, text, null, 'completed') });
  }
  for await (const ev of stream.events) {
    if (ev.type === 'delta') {
      if (ev.content === '') continue;
      if (!textOpen && index < 0) {
        index = 0;
        textOpen = true;
        yield frame('response.output_item.added', { output_index: 0, item: { ...messageItem(id, '', null, 'in_progress'), content: [] } });
        yield frame('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: outputText('') });
      }
      text += ev.content;
      yield frame('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta: ev.content, logprobs: [] });
    } else if (ev.type === 'tool_calls') {
      yield* closeText();
      for (const c of ev.toolCalls) {
        index += 1;
        const n = calls.length;
        calls.push(c);
        const item = callItem(id, n, c, 'in_progress', '');
        yield frame('response.output_item.added', { output_index: index, item });
        yield frame('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: c.function.arguments });
        yield frame('response.function_call_arguments.done', { item_id: item.id, output_index: index, name: c.function.name, arguments: c.function.arguments });
        yield frame('response.output_item.done', { output_index: index, item: callItem(id, n, c, 'completed') });
      }
    } else if (ev.type === 'meta') Object.assign(meta, ev.meta);
    else if (ev.type === 'error') {
      // What was streamed stays in the failed response: the text so far as an incomplete item.
      const output = [...(text ? [messageItem(id, text, null, 'incomplete')] : []), ...calls.map((c, n) => callItem(id, n, c, 'completed'))];
      const code = ev.code === 'rate_limited' || ev.code === 'queue_full' ? 'rate_limit_exceeded' : 'server_error';
      yield frame('response.failed', { response: { ...responseObject(body, meta, createdAt, { output, finishReason: 'error', usage: ZERO_USAGE, stored: false }), status: 'failed', error: { code, message: ev.message }, usage: null } });
      return;
    } else if (ev.type === 'done') {
      yield* closeText();
      Object.assign(meta, ev.meta);
      const output = outputItems(id, text, calls);
      const response = responseObject(body, meta, createdAt, { output, finishReason: ev.finishReason, usage: ev.usage, stored: false });
      response.store = await keep(id, response, text, calls);
      yield frame(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
      return;
    }
  }
}
