// parseChatRequest's hand-checked fast path must return exactly what the zod schema returns, and
// leave every invalid body to the schema (so error messages stay zod's).
import { describe, expect, it } from 'vitest';
import { HttpError } from './errors';
import { chatCompletionSchema, parseChatRequest } from './schema';

const user = { role: 'user', content: 'What is the capital of France?' };

describe('parseChatRequest', () => {
  it.each([
    { model: 'auto', messages: [user] },
    { model: 'auto', messages: [{ role: 'system', content: 'be brief' }, { ...user, name: 'ann', extra: 1 }], unknown_param: true },
    { model: 'small', messages: [user], stream: true, stream_options: { include_usage: true, other: 1 } },
    { model: 'auto', messages: [user], stream: false, stream_options: null, max_tokens: 16, max_completion_tokens: null, temperature: 0, top_p: 1, n: 1, stop: ['a', 'b'], user: 'u1' },
    { model: 'auto', messages: [user], temperature: null, top_p: null, n: null, stop: 'x', response_format: null },
    { model: 'auto', messages: [{ role: 'developer', content: 'x' }, user], response_format: { type: 'json_object' } },
    { model: 'auto', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] },
  ])('returns what the schema returns for %o', (raw) => {
    expect(parseChatRequest(raw).body).toEqual(chatCompletionSchema.parse(raw));
  });

  it.each([
    [{ model: 'auto', messages: [user], temperature: 3 }, 'temperature'],
    [{ model: 'auto', messages: [user], max_tokens: 1.5 }, 'max_tokens'],
    [{ model: 'auto', messages: [user], max_tokens: 0 }, 'max_tokens'],
    [{ model: 'auto', messages: [user], n: 0 }, 'n'],
    [{ model: 'auto', messages: [user], stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    [{ model: 'auto', messages: [user], stream: 'yes' }, 'stream'],
    [{ model: 'auto', messages: [user], user: null }, 'user'],
    [{ model: 'auto', messages: [{ ...user, name: 5 }] }, 'messages.0.name'],
    [{ model: 'auto', messages: [user], stream_options: { include_usage: 'yes' } }, 'stream_options.include_usage'],
    [{ model: '', messages: [user] }, 'model'],
  ])('leaves %o to the schema (param %s)', (raw, param) => {
    const issue = chatCompletionSchema.safeParse(raw).error!.issues[0];
    let err: unknown;
    try {
      parseChatRequest(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).param).toBe(param);
    expect((err as HttpError).message).toBe(`Invalid parameter ${param}: ${issue.message}`);
  });
});
