// LangChain's ChatOpenAI against Cascade's Chat Completions door: invoke, stream, bindTools (tool
// calls with the offered tool's arguments), withStructuredOutput (an object valid against the zod
// schema), and a tool round trip with a ToolMessage.
import '../../server/runtime/preload-native';
import { ChatOpenAI } from '@langchain/openai';
import { HumanMessage, ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { startApiServer } from './helpers-http';
import { testRuntime, uid } from './helpers';

let runtime: Runtime;
let api: Awaited<ReturnType<typeof startApiServer>>;
let llm: ChatOpenAI;

const weather = tool(async ({ city }) => `21C in ${city}`, {
  name: 'get_weather',
  description: 'Current weather in a city',
  schema: z.object({ city: z.string().min(2), unit: z.enum(['c', 'f']) }),
});

beforeAll(async () => {
  runtime = await testRuntime();
  api = await startApiServer(runtime);
  const key = await runtime.stores.apiKeys.create({ name: uid('langchain'), tenant: uid('tenant'), role: 'user' }, { id: null, label: 'test' });
  llm = new ChatOpenAI({ model: 'auto', apiKey: key.key, configuration: { baseURL: `${api.baseUrl}/api/v1` }, maxRetries: 0 });
});

afterAll(async () => {
  await api?.close();
  await stopRuntime();
});

describe('@langchain/openai ChatOpenAI', () => {
  it('invoke and stream', async () => {
    const msg = await llm.invoke(`Explain tides in a sentence. (${uid()})`);
    expect(String(msg.content).length).toBeGreaterThan(0);
    let streamed = '';
    for await (const chunk of await llm.stream(`Name three rivers. (${uid()})`)) streamed += String(chunk.content);
    expect(streamed.length).toBeGreaterThan(0);
  });

  it('bindTools: tool_calls with the offered tool and valid arguments, then an answer from a ToolMessage', async () => {
    const withTools = llm.bindTools([weather], { tool_choice: 'get_weather' });
    const question = new HumanMessage(`What's the weather in Lisbon? (${uid()})`);
    const ai = await withTools.invoke([question]);
    expect(ai.tool_calls?.length).toBeGreaterThan(0);
    const call = ai.tool_calls![0];
    expect(call.name).toBe('get_weather');
    expect(weather.schema.safeParse(call.args).success).toBe(true);
    const answer = await llm.bindTools([weather]).invoke([question, ai, new ToolMessage({ content: await weather.invoke(call.args as { city: string; unit: 'c' | 'f' }), tool_call_id: call.id! })]);
    expect(answer.tool_calls ?? []).toHaveLength(0);
    expect(String(answer.content).length).toBeGreaterThan(0);
  });

  it('withStructuredOutput: an object valid against the zod schema', async () => {
    const Person = z.object({ name: z.string(), age: z.number().int(), tags: z.array(z.string()) });
    const person = await llm.withStructuredOutput(Person, { name: 'person' }).invoke(`Invent a person. (${uid()})`);
    expect(Person.safeParse(person).success).toBe(true);
  });
});
