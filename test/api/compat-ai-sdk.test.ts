// The Vercel AI SDK (`ai` + `@ai-sdk/openai`) against Cascade, through both of its OpenAI providers:
// the default one (`openai('auto')`, which calls /v1/responses) and `.chat('auto')` (Chat
// Completions): generateText with a tool over several steps, streamText, generateObject.
import '../../server/runtime/preload-native';
import { createOpenAI } from '@ai-sdk/openai';
import { generateObject, generateText, stepCountIs, streamText, tool, type LanguageModel } from 'ai';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { startApiServer } from './helpers-http';
import { testRuntime, uid } from './helpers';

let runtime: Runtime;
let api: Awaited<ReturnType<typeof startApiServer>>;
let provider: ReturnType<typeof createOpenAI>;

beforeAll(async () => {
  runtime = await testRuntime();
  api = await startApiServer(runtime);
  const key = await runtime.stores.apiKeys.create({ name: uid('ai-sdk'), tenant: uid('tenant'), role: 'user' }, { id: null, label: 'test' });
  provider = createOpenAI({ baseURL: `${api.baseUrl}/api/v1`, apiKey: key.key });
});

afterAll(async () => {
  await api?.close();
  await stopRuntime();
});

const models: [string, () => LanguageModel][] = [
  ['responses (default provider)', () => provider('auto')],
  ['chat completions (.chat)', () => provider.chat('auto')],
];

describe.each(models)('AI SDK via %s', (_name, model) => {
  it('generateText with a tool: the tool runs with valid input, then a final text step', async () => {
    const calls: { city: string }[] = [];
    const res = await generateText({
      model: model(),
      prompt: `What's the weather in Lisbon? (${uid()})`,
      tools: {
        weather: tool({
          description: 'Current weather in a city',
          inputSchema: z.object({ city: z.string().min(2) }),
          execute: async (input) => {
            calls.push(input);
            return { tempC: 21 };
          },
        }),
      },
      toolChoice: 'auto',
      stopWhen: stepCountIs(3),
    });
    expect(calls.length).toBeGreaterThan(0);
    expect(calls[0].city.length).toBeGreaterThanOrEqual(2);
    expect(res.steps.length).toBeGreaterThanOrEqual(2);
    expect(res.steps[0].toolCalls.length).toBeGreaterThan(0);
    expect(res.text.length).toBeGreaterThan(0);
  });

  it('streamText: the streamed text is the final text', async () => {
    const res = streamText({ model: model(), prompt: `Name three rivers. (${uid()})` });
    let streamed = '';
    for await (const t of res.textStream) streamed += t;
    expect(streamed.length).toBeGreaterThan(0);
    expect(await res.text).toBe(streamed);
    expect((await res.usage).outputTokens).toBeGreaterThan(0);
  });

  it('generateObject: an object valid against the zod schema', async () => {
    const Person = z.object({ name: z.string(), age: z.number().int(), hobbies: z.array(z.string()) });
    const res = await generateObject({ model: model(), schema: Person, prompt: `Invent a person. (${uid()})` });
    expect(Person.safeParse(res.object).success).toBe(true);
  });
});
