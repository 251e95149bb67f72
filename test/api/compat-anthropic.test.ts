// Anthropic's SDK against Cascade's /v1/messages (real runtime, simulated tiers on loopback):
// create and stream, a tool_use round trip, images, x-api-key auth, and Anthropic-shaped errors.
import '../../server/runtime/preload-native';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { schemaValidator } from '../../server/routing/structured-checks';
import { startApiServer } from './helpers-http';
import { testRuntime, uid } from './helpers';

let runtime: Runtime;
let api: Awaited<ReturnType<typeof startApiServer>>;
let client: Anthropic;
let key: string;

const weather: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather in a city',
  input_schema: { type: 'object', properties: { city: { type: 'string', minLength: 2 }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city', 'unit'] },
};
const valid = (input: unknown) => {
  const v = schemaValidator(weather.input_schema as Record<string, unknown>);
  return !(v instanceof Error) && v(input) === true;
};

beforeAll(async () => {
  runtime = await testRuntime();
  api = await startApiServer(runtime);
  key = (await runtime.stores.apiKeys.create({ name: uid('anthropic'), tenant: uid('tenant'), role: 'user' }, { id: null, label: 'test' })).key;
  client = new Anthropic({ apiKey: key, baseURL: `${api.baseUrl}/api`, maxRetries: 0 });
});

afterAll(async () => {
  await api?.close();
  await stopRuntime();
});

describe('@anthropic-ai/sdk messages', () => {
  it('create: a text answer with usage and end_turn', async () => {
    const msg = await client.messages.create({ model: 'auto', max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user', content: `Explain tides in a sentence. (${uid()})` }] });
    expect(msg.type).toBe('message');
    expect(msg.content[0].type).toBe('text');
    expect(msg.content[0].type === 'text' && msg.content[0].text.length).toBeGreaterThan(0);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  it('create with tools: a tool_use with valid input, then a text answer from the tool_result', async () => {
    const question: Anthropic.MessageParam = { role: 'user', content: `What's the weather in Lisbon? (${uid()})` };
    const first = await client.messages.create({ model: 'auto', max_tokens: 300, messages: [question], tools: [weather], tool_choice: { type: 'any' } });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(use?.name).toBe('get_weather');
    expect(valid(use?.input)).toBe(true);
    const second = await client.messages.create({
      model: 'auto',
      max_tokens: 300,
      tools: [weather],
      messages: [question, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use!.id, content: '{"temp": 21}' }] }],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content.some((b) => b.type === 'tool_use')).toBe(false);
    expect(second.content[0].type === 'text' && second.content[0].text.length).toBeGreaterThan(0);
  });

  it('stream: text deltas add up to the final message; a streamed tool_use has its input', async () => {
    const stream = client.messages.stream({ model: 'auto', max_tokens: 200, messages: [{ role: 'user', content: `Name three rivers. (${uid()})` }] });
    let text = '';
    stream.on('text', (t) => (text += t));
    const final = await stream.finalMessage();
    expect(final.content[0].type === 'text' && final.content[0].text).toBe(text);
    expect(text.length).toBeGreaterThan(0);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBeGreaterThan(0);

    const tools = client.messages.stream({ model: 'auto', max_tokens: 300, messages: [{ role: 'user', content: `Weather in Quito? (${uid()})` }], tools: [weather], tool_choice: { type: 'tool', name: 'get_weather' } });
    const done = await tools.finalMessage();
    const use = done.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    expect(done.stop_reason).toBe('tool_use');
    expect(valid(use?.input)).toBe(true);
  });

  it('takes an image block and a Bearer key as well as x-api-key', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    const bearer = new Anthropic({ authToken: key, apiKey: null, baseURL: `${api.baseUrl}/api`, maxRetries: 0 });
    const msg = await bearer.messages.create({
      model: 'auto',
      max_tokens: 200,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }, { type: 'text', text: 'What is in this picture?' }] }],
    });
    expect(msg.content[0].type === 'text' && msg.content[0].text).toMatch(/image/i);
  });

  it('errors in Anthropic shape: a bad key, a missing max_tokens, an unknown model', async () => {
    const bad = new Anthropic({ apiKey: 'wrong', baseURL: `${api.baseUrl}/api`, maxRetries: 0 });
    await expect(bad.messages.create({ model: 'auto', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    const res = await fetch(`${api.baseUrl}/v1/messages`, { method: 'POST', headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' }, body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('max_tokens') } });
    await expect(client.messages.create({ model: 'no-such-tier', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  });

});

describe('bad Messages input gets a 400 naming the parameter, in Anthropic\'s shape', () => {
  const user = (content: unknown) => ({ messages: [{ role: 'user', content }] });
  const cases: [string, Record<string, unknown>, string][] = [
    ['no max_tokens', { max_tokens: undefined }, 'max_tokens'],
    ['max_tokens of 0', { max_tokens: 0 }, 'max_tokens'],
    ['no messages', { messages: [] }, 'messages'],
    ['an assistant first', { messages: [{ role: 'assistant', content: 'hi' }] }, 'messages.0.role'],
    ['a system role in messages', { messages: [{ role: 'system', content: 'hi' }] }, 'messages.0'],
    ['an unknown block type', user([{ type: 'video', url: 'x' }]), 'messages.0.content'],
    ['an image without data', user([{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: '' } }]), 'messages.0.content'],
    ['an image of another type', user([{ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'AAAA' } }]), 'messages.0.content'],
    ['a tool_result for no tool_use', user([{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'x' }]), 'messages.0.content.0.tool_use_id'],
    ['a tool without input_schema', { tools: [{ name: 'f' }] }, 'tools.0'],
    ['a server tool', { tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools.0'],
    ['a tool name with spaces', { tools: [{ name: 'get weather', input_schema: { type: 'object' } }] }, 'tools.0.name'],
    ['an input_schema that is not a schema', { tools: [{ name: 'f', input_schema: { type: 'nonsense' } }] }, 'tools.0.input_schema'],
    ['a tool offered twice', { tools: [{ name: 'f', input_schema: {} }, { name: 'f', input_schema: {} }] }, 'tools.1.name'],
    ['tool_choice naming a missing tool', { tools: [{ name: 'f', input_schema: {} }], tool_choice: { type: 'tool', name: 'g' } }, 'tool_choice.name'],
    ['tool_choice any without tools', { tool_choice: { type: 'any' } }, 'tool_choice'],
    ['temperature above 1', { temperature: 1.5 }, 'temperature'],
    ['stop_sequences not strings', { stop_sequences: [1] }, 'stop_sequences.0'],
    ['system not text', { system: [{ type: 'image' }] }, 'system'],
  ];
  it.each(cases)('%s', async (_what, patch, param) => {
    const body = { model: 'auto', max_tokens: 50, messages: [{ role: 'user', content: 'hello' }], ...patch };
    const res = await fetch(`${api.baseUrl}/v1/messages`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    const err = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(err.type).toBe('error');
    expect(err.error.type).toBe('invalid_request_error');
    expect(err.error.message).toContain(`Invalid parameter ${param}`);
  });
});
