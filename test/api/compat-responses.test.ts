// The openai SDK's Responses API against Cascade's /v1/responses (real runtime, simulated tiers on
// loopback, answers stored in Postgres): create, stream, previous_response_id, function calling
// round trips, text.format json_schema, GET by id, and a previous id of another tenant (a 404).
import '../../server/runtime/preload-native';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { schemaValidator } from '../../server/routing/structured-checks';
import { startApiServer } from './helpers-http';
import { testRuntime, uid } from './helpers';

let runtime: Runtime;
let api: Awaited<ReturnType<typeof startApiServer>>;
let client: OpenAI;
let other: OpenAI;

const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string', minLength: 2 }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city', 'unit'], additionalProperties: false },
  strict: true,
};
const valid = (schema: Record<string, unknown>, value: unknown) => {
  const v = schemaValidator(schema);
  return !(v instanceof Error) && v(value) === true;
};

async function keyClient(): Promise<OpenAI> {
  const created = await runtime.stores.apiKeys.create({ name: uid('responses'), tenant: uid('tenant'), role: 'user' }, { id: null, label: 'test' });
  return new OpenAI({ apiKey: created.key, baseURL: `${api.baseUrl}/api/v1`, maxRetries: 0 });
}

beforeAll(async () => {
  runtime = await testRuntime();
  api = await startApiServer(runtime);
  client = await keyClient();
  other = await keyClient();
});

afterAll(async () => {
  await api?.close();
  await stopRuntime();
});

describe('openai Responses API', () => {
  it('create: output_text and usage; GET by id returns it; the next turn continues it by previous_response_id', async () => {
    const first = await client.responses.create({ model: 'auto', instructions: 'Be brief.', input: `My name is Ada. Explain tides. (${uid()})` });
    expect(first.status).toBe('completed');
    expect(first.output_text.length).toBeGreaterThan(0);
    expect(first.usage?.input_tokens).toBeGreaterThan(0);
    const again = await client.responses.retrieve(first.id);
    expect(again.output_text).toBe(first.output_text);
    const second = await client.responses.create({ model: 'auto', previous_response_id: first.id, input: 'And what did I say my name was?' });
    expect(second.previous_response_id).toBe(first.id);
    expect(second.output_text.length).toBeGreaterThan(0);
    // The stored conversation holds both turns: the question and the answer of the first response.
    const stored = await runtime.responses.load((await runtime.apiKeys.verify(client.apiKey))!.tenant, second.id);
    expect(stored?.conversation.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(stored?.conversation[1].content).toBe(first.output_text);
  });

  it("another tenant's response id is a 404, for previous_response_id and for GET", async () => {
    const mine = await client.responses.create({ model: 'auto', input: `Hello (${uid()})` });
    await expect(other.responses.create({ model: 'auto', previous_response_id: mine.id, input: 'continue' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(other.responses.retrieve(mine.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(other.responses.delete(mine.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    // Its owner can delete it; then it is gone.
    await client.responses.delete(mine.id);
    await expect(client.responses.retrieve(mine.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('function calling: a function_call with valid arguments, then an answer from its output', async () => {
    const first = await client.responses.create({ model: 'auto', input: `What's the weather in Lisbon? (${uid()})`, tools: [weather], tool_choice: 'required' });
    const call = first.output.find((o) => o.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('expected a function call');
    expect(call.name).toBe('get_weather');
    expect(valid(weather.parameters, JSON.parse(call.arguments))).toBe(true);
    const second = await client.responses.create({ model: 'auto', previous_response_id: first.id, tools: [weather], input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"temp": 21}' }] });
    expect(second.output.some((o) => o.type === 'function_call')).toBe(false);
    expect(second.output_text.length).toBeGreaterThan(0);
  });

  it('stream: text deltas add up to the completed response; a streamed function call is whole', async () => {
    const stream = client.responses.stream({ model: 'auto', input: `Name three rivers. (${uid()})` });
    let text = '';
    stream.on('response.output_text.delta', (e) => (text += e.delta));
    const final = await stream.finalResponse();
    expect(final.status).toBe('completed');
    expect(final.output_text).toBe(text);
    expect(final.usage?.output_tokens).toBeGreaterThan(0);

    const tools = client.responses.stream({ model: 'auto', input: `Weather in Quito? (${uid()})`, tools: [weather], tool_choice: { type: 'function', name: 'get_weather' } });
    const done = await tools.finalResponse();
    const call = done.output.find((o) => o.type === 'function_call');
    expect(call?.type === 'function_call' && valid(weather.parameters, JSON.parse(call.arguments))).toBe(true);
    // A streamed response is stored too: the next turn can continue from it.
    const next = await client.responses.create({ model: 'auto', previous_response_id: done.id, tools: [weather], input: [{ type: 'function_call_output', call_id: call!.type === 'function_call' ? call!.call_id : '', output: 'sunny' }] });
    expect(next.output_text.length).toBeGreaterThan(0);
  });

  it('text.format json_schema gives JSON valid against the schema; store: false keeps nothing', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'], additionalProperties: false };
    const res = await client.responses.create({ model: 'auto', input: `Invent a person. (${uid()})`, text: { format: { type: 'json_schema', name: 'person', schema, strict: true } }, store: false });
    expect(valid(schema, JSON.parse(res.output_text))).toBe(true);
    expect((res as unknown as { store: boolean }).store).toBe(false);
    await expect(client.responses.retrieve(res.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('bad input gets a 400 naming the parameter', async () => {
    const post = (body: unknown) => fetch(`${api.baseUrl}/v1/responses`, { method: 'POST', headers: { authorization: `Bearer ${client.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (const [body, param] of [
      [{ model: 'auto' }, 'input'],
      [{ model: 'auto', input: 'x', tools: [{ type: 'web_search' }] }, 'tools.0.type'],
      [{ model: 'auto', input: [{ type: 'function_call_output', call_id: 'nope', output: 'x' }] }, 'input.0.call_id'],
      [{ model: 'auto', input: 'x', text: { format: { type: 'json_schema', name: 'x', schema: { type: 'wrong' } } } }, 'text.format.schema'],
    ] as const) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { param: string } }).error.param).toBe(param);
    }
  });
});
