// The research pipeline over loopback HTTP: plan -> parallel sub-questions -> streamed synthesis.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type ChatBody, type FakeUpstream } from '../fixtures/upstream';
import { AttemptLog } from '../../server/routing/attempts';
import { executeStream } from '../../server/routing/executor-stream';
import { defaultPolicy } from '../../server/routing/policy';
import { mapLimit, parseSubQuestions, prepareResearch } from '../../server/routing/research';
import { directInvoker, tierConfig } from './invoker';

const open: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((u) => u.close()));
});

const lastUser = (b: ChatBody) => [...(b.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
const steps = { planner: 'large', worker: 'medium', synthesizer: 'large', maxSubQuestions: 3, parallelism: 2 };
const validators = defaultPolicy().validators;
const request = { messages: [{ role: 'user' as const, content: 'Compare the EU and US battery markets.' }], stream: true };

async function setup(plan: string) {
  const large = await startFakeUpstream({
    content: (b) => (b.messages?.[0]?.content.startsWith('You plan research') ? plan : `Summary citing [1] and [2]. Saw: ${b.messages?.find((m) => m.content.includes('Findings:'))?.content.split('Findings:')[1]?.trim()}`),
  });
  const medium = await startFakeUpstream({ content: (b) => `Finding about ${lastUser(b)}` });
  open.push(large, medium);
  const inv = directInvoker([tierConfig('large', large.baseUrl, { inputPricePerM: 10, outputPricePerM: 30 }), tierConfig('medium', medium.baseUrl)]);
  return { inv, large, medium };
}

describe('research pipeline', () => {
  it('plans, fans out to the worker, and streams a synthesis citing the findings', async () => {
    const { inv, medium } = await setup('{"sub_questions": ["EU market size?", "US market size?", "Growth drivers?", "Extra?"]}');
    const log = new AttemptLog();
    const prep = await prepareResearch(inv, { steps, request, validators, log });
    expect(prep.planSource).toBe('json');
    expect(prep.subQuestions).toEqual(['EU market size?', 'US market size?', 'Growth drivers?']);
    expect(medium.requests).toBe(3);
    expect(prep.subAnswers.map((s) => s.answer)).toEqual(['Finding about EU market size?', 'Finding about US market size?', 'Finding about Growth drivers?']);

    const x = executeStream(inv, { chain: [steps.synthesizer], request: prep.synthesis, validators, step: 'synthesize', log });
    let text = '';
    for await (const e of x.events) if (e.type === 'delta') text += e.text;
    const r = await x.result;
    expect(r.status).toBe('ok');
    expect(text).toContain('[1] EU market size?');
    expect(text).toContain('Finding about Growth drivers?');
    const seen = log.attempts.map((a) => a.step).sort();
    expect(seen).toEqual(['plan', 'sub:1', 'sub:2', 'sub:3', 'synthesize']);
    expect(log.attempts.every((a) => a.outcome === 'ok' && a.costUsd > 0)).toBe(true);
    expect(log.costUsd).toBeCloseTo(log.attempts.reduce((s, a) => s + a.costUsd, 0), 12);
  });

  it('falls back to a numbered list, then to the question itself, when the plan is not JSON', async () => {
    const a = await setup('Here you go:\n1. First part?\n2) Second part?\n');
    const p1 = await prepareResearch(a.inv, { steps, request, validators, log: new AttemptLog() });
    expect(p1).toMatchObject({ planSource: 'lines', subQuestions: ['First part?', 'Second part?'] });
    const b = await setup('{"sub_questions": [unterminated');
    const p2 = await prepareResearch(b.inv, { steps, request, validators, log: new AttemptLog() });
    expect(p2).toMatchObject({ planSource: 'question', subQuestions: ['Compare the EU and US battery markets.'] });
  });

  it('synthesizes from the findings it has when a worker fails', async () => {
    const { inv, medium } = await setup('["A?", "B?"]');
    medium.setBehaviour((n) => (n === 1 ? { status: 500 } : { content: 'B is fine.' }));
    const log = new AttemptLog();
    const prep = await prepareResearch(inv, { steps: { ...steps, parallelism: 1 }, request, validators, log });
    expect(prep.subAnswers[0]).toMatchObject({ question: 'A?', answer: null });
    expect(prep.subAnswers[1]).toMatchObject({ question: 'B?', answer: 'B is fine.' });
    expect(prep.synthesis.messages.find((m) => m.role === 'system')?.content).toMatch(/\[1\] A\?\n\(unavailable: /);
    expect(log.attempts.find((a) => a.step === 'sub:1')?.outcome).toBe('error');
  });
});

describe('research helpers', () => {
  it('parses sub-questions from fenced JSON, arrays and objects', () => {
    expect(parseSubQuestions('```json\n{"questions": ["a?", "b?"]}\n```', 5)).toEqual({ questions: ['a?', 'b?'], source: 'json' });
    expect(parseSubQuestions('["x?", "x?", {"question": "y?"}]', 5)).toEqual({ questions: ['x?', 'y?'], source: 'json' });
    expect(parseSubQuestions('- one thing\n- two things', 1)).toEqual({ questions: ['one thing'], source: 'lines' });
    expect(parseSubQuestions('nothing useful', 5)).toBeNull();
    expect(parseSubQuestions('{"sub_questions": []}', 5)).toBeNull();
  });

  it('mapLimit keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([1, 2, 3, 4, 5], 2, async (x) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      return x * 10;
    });
    expect(out).toEqual([10, 20, 30, 40, 50]);
    expect(peak).toBe(2);
  });
});
