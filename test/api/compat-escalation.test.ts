// Every client library through a forced escalation: a rule sends the request to the small tier,
// whose tool call breaks the function's schema, so the gateway escalates and the client only ever
// sees the medium tier's valid call. Real loopback simulator tiers with an oracle on the small one,
// the real gateway and tier registry behind Cascade's HTTP server; the key, the response store and
// the decision log from a real runtime.
import '../../server/runtime/preload-native';
import Anthropic from '@anthropic-ai/sdk';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { tool as lcTool } from '@langchain/core/tools';
import { generateText, stepCountIs, tool } from 'ai';
import OpenAI from 'openai';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../server/decisions/types';
import { createAnalyzer } from '../../server/complexity';
import { createChatService } from '../../server/gateway/chat-service';
import { createHttpServer } from '../../server/http/server';
import { defaultPolicy, policySchema } from '../../server/routing/policy';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { v1Deps } from '../../server/runtime/v1-deps';
import { createTierRegistry } from '../../server/tiers/registry';
import { simulatedTierConfigs, startSimulator, type Simulator } from '../../server/tiers/simulator';
import { testRuntime, uid } from './helpers';

let runtime: Runtime;
let sim: Simulator;
let server: Server;
let registry: ReturnType<typeof createTierRegistry>;
let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
let baseUrl: string;
let key: string;
const decisions: DecisionRecord[] = [];

const params: { type: 'object'; properties: Record<string, unknown>; required: string[]; additionalProperties: boolean } = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'], additionalProperties: false };
const validId = (args: unknown) => Number.isInteger((args as { id?: unknown }).id) && (args as { id: number }).id >= 1;
const PROMPT = () => `EASY: look up item 3 (${uid()})`;

beforeAll(async () => {
  runtime = await testRuntime();
  // The small tier always calls lookup with an id the schema refuses.
  sim = await startSimulator({ speed: 50, oracle: ({ role }) => (role === 'small' ? { toolCalls: [{ id: 'call_bad', type: 'function', function: { name: 'lookup', arguments: '{"id": 0}' } }] } : null) });
  const tiers = simulatedTierConfigs(sim.baseUrl);
  const policy = policySchema.parse({ ...defaultPolicy(), rules: [{ id: 'easy', match: { keyword: 'EASY' }, action: { type: 'force', target: 'small' } }] });
  policy.targets = { ...policy.targets, small: tiers[0].name, medium: tiers[1].name, large: tiers[2].name };
  policy.escalation = { ...policy.escalation, small: [tiers[1].name, tiers[2].name] } as typeof policy.escalation;
  const directory = { list: () => tiers, byName: (n: string) => tiers.find((t) => t.name === n) };
  registry = createTierRegistry({ directory, vllmMetrics: false });
  analyzer = await createAnalyzer();
  const chat = createChatService({ analyzer, cache: null, policy: { current: () => ({ version: 1, policy }) }, tiers: registry, sink: { record: (d) => decisions.push(d) } });
  const deps = { ...v1Deps(runtime), chat, tiers: directory };
  server = createHttpServer(async () => deps, (_req, res) => void res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  key = (await runtime.stores.apiKeys.create({ name: uid('esc'), tenant: uid('tenant'), role: 'user' }, { id: null, label: 'test' })).key;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  registry?.stop();
  await analyzer?.close();
  await sim?.close();
  await stopRuntime();
});

/** The decision of the latest request escalated past the small tier's bad call. */
function expectEscalated(): void {
  const d = decisions.at(-1)!;
  expect(d.attempts[0].outcome).toBe('bad_answer');
  expect(d.attempts.at(-1)!.outcome).toBe('ok');
  expect(d.escalations).toBeGreaterThan(0);
}

describe('through a forced escalation', () => {
  it('@anthropic-ai/sdk: create and stream get the valid tool_use', async () => {
    const client = new Anthropic({ apiKey: key, baseURL: `${baseUrl}/api`, maxRetries: 0 });
    const tools = [{ name: 'lookup', input_schema: params }];
    const { data, response } = await client.messages.create({ model: 'auto', max_tokens: 200, messages: [{ role: 'user', content: PROMPT() }], tools, tool_choice: { type: 'any' } }).withResponse();
    expect(response.headers.get('x-cascade-escalated')).toBe('true');
    expect(validId(data.content.find((b) => b.type === 'tool_use')?.input)).toBe(true);
    expectEscalated();
    const final = await client.messages.stream({ model: 'auto', max_tokens: 200, messages: [{ role: 'user', content: PROMPT() }], tools, tool_choice: { type: 'any' } }).finalMessage();
    expect(validId(final.content.find((b) => b.type === 'tool_use')?.input)).toBe(true);
    expectEscalated();
  });

  it('openai Responses API: create and stream get the valid function_call', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
    const tools = [{ type: 'function' as const, name: 'lookup', parameters: params, strict: true }];
    const res = await client.responses.create({ model: 'auto', input: PROMPT(), tools, tool_choice: 'required' });
    const call = res.output.find((o) => o.type === 'function_call');
    expect(call?.type === 'function_call' && validId(JSON.parse(call.arguments))).toBe(true);
    expectEscalated();
    const streamed = await client.responses.stream({ model: 'auto', input: PROMPT(), tools, tool_choice: 'required' }).finalResponse();
    const sc = streamed.output.find((o) => o.type === 'function_call');
    expect(sc?.type === 'function_call' && validId(JSON.parse(sc.arguments))).toBe(true);
    expectEscalated();
  });

  it('the AI SDK (both providers): the tool runs with the valid input', async () => {
    const provider = createOpenAI({ baseURL: `${baseUrl}/api/v1`, apiKey: key });
    for (const model of [provider('auto'), provider.chat('auto')]) {
      const inputs: unknown[] = [];
      await generateText({
        model,
        prompt: PROMPT(),
        tools: { lookup: tool({ inputSchema: z.object({ id: z.number().int().min(1) }), execute: async (input) => (inputs.push(input), { found: true }) }) },
        toolChoice: 'required',
        stopWhen: stepCountIs(1),
      });
      expect(inputs.length).toBe(1);
      expect(validId(inputs[0])).toBe(true);
      expectEscalated();
    }
  });

  it('LangChain bindTools: tool_calls with the valid arguments', async () => {
    const llm = new ChatOpenAI({ model: 'auto', apiKey: key, configuration: { baseURL: `${baseUrl}/api/v1` }, maxRetries: 0 });
    const lookup = lcTool(async () => 'found', { name: 'lookup', schema: z.object({ id: z.number().int().min(1) }) });
    const ai = await llm.bindTools([lookup], { tool_choice: 'lookup' }).invoke(PROMPT());
    expect(ai.tool_calls?.length).toBe(1);
    expect(validId(ai.tool_calls![0].args)).toBe(true);
    expectEscalated();
  });
});
