// What agents and structured-output apps send, through the official `openai` SDK against Cascade's
// HTTP server (real runtime, the simulated tiers on loopback): tools and tool-result turns, parallel
// calls, streamed tool calls, zodResponseFormat + parse(), n, logprobs, seed, stop, images, and
// unknown fields forwarded. Each answer is checked against what was asked (arguments valid against
// the tool's schema, parsed objects against the zod schema).
import '../../server/runtime/preload-native';
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { schemaValidator } from '../../server/routing/structured-checks';
import { startApiServer } from './helpers-http';
import { testRuntime, uid } from './helpers';

let runtime: Runtime;
let api: Awaited<ReturnType<typeof startApiServer>>;
let client: OpenAI;

const weather = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string', minLength: 2 }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city', 'unit'], additionalProperties: false },
  },
};
const time = {
  type: 'function' as const,
  function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } },
};

function argsValid(tool: typeof weather | typeof time, args: string): boolean {
  const v = schemaValidator(tool.function.parameters);
  return !(v instanceof Error) && v(JSON.parse(args)) === true;
}

beforeAll(async () => {
  runtime = await testRuntime();
  api = await startApiServer(runtime);
  const created = await runtime.stores.apiKeys.create({ name: uid('compat'), tenant: uid('tenant'), role: 'user' }, { id: null, label: 'test' });
  client = new OpenAI({ apiKey: created.key, baseURL: `${api.baseUrl}/api/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await api?.close();
  await stopRuntime();
});

describe('tools', () => {
  it('returns tool calls whose arguments match the schema, then answers from the tool result', async () => {
    const question = { role: 'user' as const, content: `What's the weather in Lisbon right now? (${uid()})` };
    const first = await client.chat.completions.create({ model: 'auto', messages: [question], tools: [weather], tool_choice: 'required' });
    const msg = first.choices[0].message;
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    expect(msg.tool_calls).toHaveLength(1);
    const call = msg.tool_calls![0];
    if (call.type !== 'function') throw new Error('expected a function call');
    expect(call.function.name).toBe('get_weather');
    expect(argsValid(weather, call.function.arguments)).toBe(true);
    // The agent runs the tool and sends the result back: the model answers in text.
    const second = await client.chat.completions.create({
      model: 'auto',
      tools: [weather],
      messages: [question, { role: 'assistant', content: null, tool_calls: msg.tool_calls }, { role: 'tool', tool_call_id: call.id, content: '{"temp": 21, "unit": "c"}' }],
    });
    expect(second.choices[0].message.tool_calls ?? []).toHaveLength(0);
    expect(second.choices[0].message.content?.length).toBeGreaterThan(0);
  });

  it('makes parallel calls when allowed, one when parallel_tool_calls is false', async () => {
    const messages = [{ role: 'user' as const, content: `Weather and time in Oslo? (${uid()})` }];
    const parallel = await client.chat.completions.create({ model: 'auto', messages, tools: [weather, time] });
    expect(parallel.choices[0].message.tool_calls?.map((c) => (c.type === 'function' ? c.function.name : '')).sort()).toEqual(['get_time', 'get_weather']);
    const single = await client.chat.completions.create({ model: 'auto', messages, tools: [weather, time], parallel_tool_calls: false });
    expect(single.choices[0].message.tool_calls).toHaveLength(1);
  });

  it('streams tool calls the SDK assembles into valid calls', async () => {
    const stream = client.chat.completions.stream({ model: 'auto', messages: [{ role: 'user', content: `Weather in Quito? (${uid()})` }], tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } }, stream_options: { include_usage: true } });
    const done = await stream.finalChatCompletion();
    const call = done.choices[0].message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && argsValid(weather, call.function.arguments)).toBe(true);
    expect(done.choices[0].finish_reason).toBe('tool_calls');
    expect(done.usage?.completion_tokens).toBeGreaterThanOrEqual(0);
  });
});

describe('structured outputs and sampling parameters', () => {
  it('zodResponseFormat + parse() gets an object valid against the schema', async () => {
    const Person = z.object({ name: z.string(), age: z.number().int(), tags: z.array(z.string()) });
    const res = await client.chat.completions.parse({ model: 'auto', messages: [{ role: 'user', content: `Invent a person. (${uid()})` }], response_format: zodResponseFormat(Person, 'person') });
    const parsed = res.choices[0].message.parsed;
    expect(Person.safeParse(parsed).success).toBe(true);
  });

  it('answers n choices, logprobs, a system fingerprint, and honours stop', async () => {
    const res = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: `Explain tides in two sentences. (${uid()})` }], n: 2, logprobs: true, top_logprobs: 2, seed: 7 });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1]);
    expect(res.choices[0].logprobs?.content?.length).toBeGreaterThan(0);
    expect(res.system_fingerprint).toMatch(/^fp_/);
    // The same question to the same tier (a named tier skips the cache): the answer ends before the stop word.
    const ask = { role: 'user' as const, content: `Explain tides. (${uid()})` };
    const plain = await client.chat.completions.create({ model: 'auto', messages: [ask] });
    const full = plain.choices[0].message.content!;
    const word = full.split(/\s+/)[4];
    const stopped = await client.chat.completions.create({ model: plain.model, messages: [ask], stop: [word] });
    expect(stopped.choices[0].message.content).toBe(full.slice(0, full.indexOf(word)).trimEnd());
    expect(stopped.choices[0].finish_reason).toBe('stop');
  });

  it('takes an image part and forwards fields it does not know', async () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const res = await client.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: png } }] }],
      // @ts-expect-error a field this SDK version does not type: forwarded to the tier, not an error
      some_vendor_option: { beam: 2 },
      presence_penalty: 0.5,
      metadata: { app: 'compat-test' },
    });
    expect(res.choices[0].message.content).toMatch(/image/i);
  });
});

describe('bad tool input gets a 400 naming the parameter', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['a tool without a name', { tools: [{ type: 'function', function: { parameters: {} } }] }, 'tools.0.function.name'],
    ['a tool name with spaces', { tools: [{ type: 'function', function: { name: 'get weather' } }] }, 'tools.0.function.name'],
    ['parameters that are not a schema', { tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'nonsense' } } }] }, 'tools.0.function.parameters'],
    ['tool_choice naming a missing tool', { tools: [weather], tool_choice: { type: 'function', function: { name: 'nope' } } }, 'tool_choice.function.name'],
    ['tool_choice without tools', { tool_choice: 'required' }, 'tool_choice'],
    ['a tool message without its id', { messages: [{ role: 'user', content: 'hi' }, { role: 'tool', content: 'x' }] }, 'messages.1.tool_call_id'],
    ['a tool result for no call', { messages: [{ role: 'user', content: 'hi' }, { role: 'tool', tool_call_id: 'c1', content: 'x' }] }, 'messages.1.tool_call_id'],
    ['an image URL that is not one', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }] }, 'messages.0.content'],
    ['top_logprobs without logprobs', { top_logprobs: 3 }, 'top_logprobs'],
    ['an invalid response schema', { response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'wrong' } } } }, 'response_format.json_schema.schema'],
  ];
  it.each(cases)('%s', async (_what, patch, param) => {
    const body = { model: 'auto', messages: [{ role: 'user', content: 'hello' }], ...patch };
    const res = await fetch(`${api.baseUrl}/api/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${client.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    const err = (await res.json()) as { error: { param: string; message: string } };
    expect(err.error.param?.startsWith(param)).toBe(true);
    expect(err.error.message.length).toBeGreaterThan(10);
  });
});
