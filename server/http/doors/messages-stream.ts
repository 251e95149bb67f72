// Anthropic's event stream for one answer: message_start, ping, a text block (text_delta events) if
// there is text, one tool_use block per tool call (its arguments as one input_json_delta: the
// gateway holds calls until they are whole and checked), message_delta with the stop reason and
// usage, message_stop. A failure after the start is an `error` event, which the SDK throws on.
import type { ChatStream } from '../../contracts/chat';
import { cachedTokens, messageId, stopOf, toolInput } from './messages-shape';
import { anthropicErrorType } from './anthropic-errors';
import { statusForCode } from '../errors';

const frame = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

export async function* messagesStream(stream: ChatStream, stopSequences?: readonly string[]): AsyncGenerator<string> {
  const model = stream.meta.tier ?? stream.meta.model;
  yield frame('message_start', {
    message: { id: messageId(stream.meta.decisionId), type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } },
  });
  yield frame('ping', {});
  let index = -1;
  let textOpen = false;
  let calledTools = false;
  let text = '';
  for await (const ev of stream.events) {
    if (ev.type === 'delta') {
      if (ev.content === '') continue;
      if (!textOpen) {
        index += 1;
        textOpen = true;
        yield frame('content_block_start', { index, content_block: { type: 'text', text: '', citations: null } });
      }
      text += ev.content;
      yield frame('content_block_delta', { index, delta: { type: 'text_delta', text: ev.content } });
    } else if (ev.type === 'tool_calls') {
      if (textOpen) {
        yield frame('content_block_stop', { index });
        textOpen = false;
      }
      for (const call of ev.toolCalls) {
        calledTools = true;
        index += 1;
        yield frame('content_block_start', { index, content_block: { type: 'tool_use', id: call.id, name: call.function.name, input: {} } });
        yield frame('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(toolInput(call)) } });
        yield frame('content_block_stop', { index });
      }
    } else if (ev.type === 'error') {
      yield frame('error', { error: { type: anthropicErrorType(statusForCode(ev.code) ?? 500), message: ev.message } });
      return;
    } else if (ev.type === 'done') {
      if (textOpen) yield frame('content_block_stop', { index });
      const usage = { input_tokens: ev.usage.prompt_tokens, output_tokens: ev.usage.completion_tokens, cache_read_input_tokens: cachedTokens(ev.usage.prompt_tokens_details) };
      yield frame('message_delta', { delta: stopOf(ev.finishReason, calledTools, stopSequences, ev.matchedStop, text), usage });
      yield frame('message_stop', {});
      return;
    }
  }
}
