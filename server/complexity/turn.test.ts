// Agent turns with the real classifier: the task and the structure of the turn, not only the last user text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from './index';
import { assessTurn } from './turn';
import { BANDS } from './types';

let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
beforeAll(async () => {
  analyzer = await createAnalyzer();
});
afterAll(async () => {
  await analyzer.close();
});

const at = (band: string) => BANDS.indexOf(band as (typeof BANDS)[number]);
const call = (name: string) => ({ id: `c-${name}`, type: 'function', function: { name, arguments: '{}' } });

describe('assessTurn', () => {
  it('assesses a plain request exactly as the last user text', async () => {
    const messages = [{ role: 'user', content: 'Hi there' }, { role: 'assistant', content: 'Hello!' }, { role: 'user', content: 'What is the capital of France?' }];
    expect(await assessTurn(analyzer, { messages, toolsOffered: 0 })).toEqual(await analyzer.assess('What is the capital of France?'));
  });

  it('puts a short ask with tools on offer at least in the moderate band, and says why', async () => {
    const plain = await analyzer.assess('What is the weather in Paris?');
    expect(plain.band).toBe('simple'); // the premise: alone, the text reads as simple
    const a = await assessTurn(analyzer, { messages: [{ role: 'user', content: 'What is the weather in Paris?' }], toolsOffered: 1 });
    expect(a.band).toBe('moderate');
    expect(a.probs.simple).toBe(0);
    expect(a.score).toBeGreaterThanOrEqual(1 / 3);
    expect(a.signals.agent).toMatchObject({ assessed: 'last_user', toolsOffered: 1, toolResults: 0, floor: { band: 'moderate', reason: '1 tool(s) offered: the model must choose and fill tool calls' } });
  });

  it('makes a long trajectory complex: three tool results so far', async () => {
    const messages = [
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: '', tool_calls: [call('geocode')] },
      { role: 'tool', content: '{"lat":48.85,"lon":2.35}' },
      { role: 'assistant', content: '', tool_calls: [call('forecast')] },
      { role: 'tool', content: '{"error":"rate limited"}' },
      { role: 'assistant', content: '', tool_calls: [call('forecast')] },
      { role: 'tool', content: '{"temp":11}' },
    ];
    const a = await assessTurn(analyzer, { messages, toolsOffered: 2 });
    expect(at(a.band)).toBeGreaterThanOrEqual(at('complex'));
    expect(a.signals.agent).toMatchObject({ toolCalls: 3, toolResults: 3, floor: { band: 'complex', reason: '3 tool results so far: a multi-step trajectory' } });
  });

  it('assesses the conversation’s task when it is harder than the last user message', async () => {
    const task = 'Write a detailed business plan for a bakery in Lyon: market analysis, competitors, pricing, a three-year financial forecast and a hiring plan.';
    const messages = [{ role: 'user', content: task }, { role: 'assistant', content: '', tool_calls: [call('search')] }, { role: 'tool', content: 'results…' }, { role: 'user', content: 'ok go on' }];
    const a = await assessTurn(analyzer, { messages, toolsOffered: 1 });
    const alone = await analyzer.assess(task);
    expect(a.signals.agent?.assessed).toBe('task');
    expect(a.band).toBe(alone.band);
    expect(a.score).toBe(alone.score);
  });

  it('never lowers what the classifier said', async () => {
    const task = 'Write a detailed business plan for a bakery in Lyon: market analysis, competitors, pricing, a three-year financial forecast and a hiring plan.';
    const alone = await analyzer.assess(task);
    const a = await assessTurn(analyzer, { messages: [{ role: 'user', content: task }], toolsOffered: 1 });
    expect(a.signals.agent?.floor).toBeNull();
    expect(a.score).toBe(alone.score);
  });
});
