// The Anthropic door's finer points with @anthropic-ai/sdk against Cascade's HTTP server and a
// loopback tier that handles stop strings as vLLM does: stop_sequence reported when the tier names
// the matched string (and null when nobody knows), thinking sent as reasoning_effort, and
// count_tokens.
import '../../server/runtime/preload-native';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCaller } from '../../server/api/root';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';
import { startApiServer } from './helpers-http';
import { principal, testRuntime, uid } from './helpers';

let runtime: Runtime;
let api: Awaited<ReturnType<typeof startApiServer>>;
let client: Anthropic;
let vllm: FakeUpstream;
let tier: { id: string; name: string };
let disable: () => Promise<unknown>;

beforeAll(async () => {
  runtime = await testRuntime();
  api = await startApiServer(runtime);
  vllm = await startFakeUpstream({ content: 'alpha beta END gamma delta', vllmStop: true });
  const actor = { id: null, label: 'test' };
  const admin = await runtime.stores.users.create({ email: `${uid('admin')}@test.local`, name: 'Admin', role: 'admin', password: 'admin password' }, actor);
  const caller = createCaller({ runtime, principal: principal('admin', admin.id) });
  tier = await caller.tiers.create({ name: uid('vllm'), role: 'large', kind: 'openai', baseUrl: vllm.baseUrl, model: 'fake-model', inputPricePerM: 0.1, outputPricePerM: 0.2 });
  disable = () => caller.tiers.disable({ id: tier.id });
  const key = (await runtime.stores.apiKeys.create({ name: uid('anthropic'), tenant: uid('tenant'), role: 'user' }, actor)).key;
  client = new Anthropic({ apiKey: key, baseURL: api.baseUrl, maxRetries: 0 });
});

afterAll(async () => {
  await disable?.();
  await api?.close();
  await vllm?.close();
  await stopRuntime();
});

const ask = (over: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}) => ({ model: tier.name, max_tokens: 100, messages: [{ role: 'user' as const, content: 'Say the words.' }], ...over });

it('reports the stop sequence the tier matched, streamed or not', async () => {
  vllm.setBehaviour({ content: 'alpha beta END gamma delta', vllmStop: true });
  const msg = await client.messages.create(ask({ stop_sequences: ['STOP', 'END'] }));
  expect(msg).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
  expect(msg.content[0]).toMatchObject({ type: 'text', text: 'alpha beta ' });
  expect(vllm.bodies.at(-1)?.stop).toEqual(['STOP', 'END']);

  const stream = client.messages.stream(ask({ stop_sequences: ['END'] }));
  const final = await stream.finalMessage();
  expect(final).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
});

it('says end_turn and null when the tier does not say which stop string ended the answer', async () => {
  vllm.setBehaviour({ content: 'alpha beta', vllmStop: false });
  const msg = await client.messages.create(ask({ stop_sequences: ['END'] }));
  expect(msg).toMatchObject({ stop_reason: 'end_turn', stop_sequence: null });
  // Without stop sequences nothing changes either.
  vllm.setBehaviour({ content: 'alpha beta END', vllmStop: true });
  expect(await client.messages.create(ask())).toMatchObject({ stop_reason: 'end_turn', stop_sequence: null });
});

it('sends extended thinking to the tier as reasoning_effort', async () => {
  vllm.setBehaviour({ content: 'thought about it' });
  for (const [thinking, effort] of [
    [{ type: 'enabled', budget_tokens: 1024 }, 'low'],
    [{ type: 'enabled', budget_tokens: 8000 }, 'medium'],
    [{ type: 'enabled', budget_tokens: 16_384 }, 'high'],
    [{ type: 'disabled' }, undefined],
  ] as const) {
    await client.messages.create(ask({ max_tokens: 20_000, thinking: thinking as Anthropic.ThinkingConfigParam }));
    const body = vllm.bodies.at(-1)!;
    expect(body.reasoning_effort).toBe(effort);
    expect(body).not.toHaveProperty('thinking');
  }
});

it('counts input tokens without calling a tier or recording a decision', async () => {
  const before = vllm.requests;
  const short = await client.messages.countTokens({ model: 'auto', messages: [{ role: 'user', content: 'Hello there.' }] });
  const long = await client.messages.countTokens({ model: 'auto', system: 'Be brief.', messages: [{ role: 'user', content: 'Hello there. '.repeat(100) }] });
  const withTools = await client.messages.countTokens({
    model: tier.name,
    messages: [{ role: 'user', content: 'Hello there.' }],
    tools: [{ name: 'lookup', description: 'Looks a thing up', input_schema: { type: 'object', properties: { id: { type: 'integer' } } } }],
  });
  expect(short.input_tokens).toBeGreaterThan(0);
  expect(long.input_tokens).toBeGreaterThan(short.input_tokens + 250);
  expect(withTools.input_tokens).toBeGreaterThan(short.input_tokens);
  expect(vllm.requests).toBe(before);
  await expect(client.messages.countTokens({ model: 'no-such-tier', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(Anthropic.NotFoundError);
  await expect(client.messages.countTokens({ model: 'auto', messages: [] })).rejects.toBeInstanceOf(Anthropic.BadRequestError);
});
