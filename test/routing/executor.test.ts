// The cascade executor end to end over loopback HTTP: each escalation path, non-streaming.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type BehaviourSpec, type FakeUpstream } from '../fixtures/upstream';
import { executeChat } from '../../server/routing/executor';
import { defaultPolicy } from '../../server/routing/policy';
import type { ChatRequest } from '../../server/tiers/types';
import { directInvoker, tierConfig } from './invoker';

const open: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((u) => u.close()));
});

// A short small-tier timeout only where the timeout path is tested: a loaded CI machine must not time out the others.
async function tiers(small: BehaviourSpec, medium: BehaviourSpec = { content: 'Medium answer.' }, down = {}) {
  const timeoutMs = typeof small === 'object' && small.latencyMs === 1_500 ? 300 : 10_000;
  const s = await startFakeUpstream(small);
  const m = await startFakeUpstream(medium);
  open.push(s, m);
  const cfg = [tierConfig('small', s.baseUrl, { timeoutMs }), tierConfig('medium', m.baseUrl, { inputPricePerM: 10, outputPricePerM: 20 })];
  return { s, m, inv: directInvoker(cfg, down) };
}

const validators = defaultPolicy().validators;
const req: ChatRequest = { messages: [{ role: 'user', content: 'What is the capital of France?' }] };
const run = (inv: ReturnType<typeof directInvoker>, r: ChatRequest = req, v = validators) => executeChat(inv, { chain: ['small', 'medium'], request: r, validators: v });

describe('cascade executor (non-streaming)', () => {
  it('answers from the first tier when it is fine, with cost from usage', async () => {
    const { inv, m } = await tiers({ content: 'Paris.' });
    const r = await run(inv);
    expect(r).toMatchObject({ status: 'ok', content: 'Paris.', escalations: 0, error: null });
    expect(r.tier?.name).toBe('small');
    expect(r.attempts).toHaveLength(1);
    const a = r.attempts[0];
    expect(a).toMatchObject({ seq: 0, tierName: 'small', step: 'answer', outcome: 'ok', tokensOut: 1 });
    expect(a.costUsd).toBeCloseTo((a.tokensIn * 1 + a.tokensOut * 2) / 1e6, 12);
    expect(r.costUsd).toBe(a.costUsd);
    expect(m.requests).toBe(0);
  });

  const paths: [string, BehaviourSpec, string, ChatRequest?, typeof validators?][] = [
    ['HTTP 500', { status: 500 }, 'error'],
    ['timeout', { latencyMs: 1_500 }, 'timeout'],
    ['429', { status: 429, retryAfter: 1 }, 'rate_limited'],
    ['garbage body', { garbage: true }, 'error'],
    ['JSON of the wrong schema', { garbage: '{"foo": 1}' }, 'error'],
    ['refusal', { refuse: true }, 'bad_answer'],
    ['empty answer', { empty: true }, 'bad_answer'],
    ['finish_reason length without a client cap', { finishReason: 'length' }, 'bad_answer'],
    ['invalid JSON when JSON was asked', { invalidJson: true }, 'bad_answer', { ...req, response_format: { type: 'json_object' } }],
    ['low logprob confidence', { logprob: -3 }, 'bad_answer', req, { ...validators, minLogprob: -1 }],
  ];
  for (const [name, behaviour, outcome, r, v] of paths) {
    it(`escalates on ${name}`, async () => {
      const { inv } = await tiers(behaviour, { content: r?.response_format ? '{"a":1}' : 'Medium answer.' });
      const res = await run(inv, r, v);
      expect(res.status).toBe('ok');
      expect(res.tier?.name).toBe('medium');
      expect(res.attempts.map((a) => [a.tierName, a.outcome])).toEqual([['small', outcome], ['medium', 'ok']]);
      expect(res.attempts[0].detail).toBeTruthy();
      expect(res.escalations).toBe(1);
    });
  }

  it('asks the upstream for logprobs when the confidence check is on', async () => {
    const { inv, s } = await tiers({ content: 'Paris.' });
    await run(inv, req, { ...validators, minLogprob: -1 });
    expect(s.bodies[0].logprobs).toBe(true);
  });

  it('keeps a length stop when the client capped max_tokens', async () => {
    const { inv } = await tiers({ finishReason: 'length', content: 'Paris is' });
    const r = await run(inv, { ...req, max_tokens: 2 });
    expect(r).toMatchObject({ status: 'ok', content: 'Paris is', finishReason: 'length' });
  });

  it('escalates past an open breaker and a full queue without calling the tier', async () => {
    for (const kind of ['circuit_open', 'queue_full'] as const) {
      const { inv, s } = await tiers({ content: 'x' }, { content: 'Medium answer.' }, { small: kind });
      const r = await run(inv);
      expect(r.attempts.map((a) => a.outcome)).toEqual([kind, 'ok']);
      expect(s.requests).toBe(0);
    }
  });

  it('delivers the last tier answer even when it fails a check, recording that it did', async () => {
    const { inv } = await tiers({ refuse: true }, { refuse: true });
    const r = await run(inv);
    expect(r.status).toBe('ok');
    expect(r.tier?.name).toBe('medium');
    expect(r.attempts.map((a) => a.outcome)).toEqual(['bad_answer', 'bad_answer']);
    expect(r.attempts[1].detail).toMatch(/delivered anyway/);
  });

  it('fails with every attempt named when every tier fails, counting paid tokens', async () => {
    const { inv } = await tiers({ status: 503 }, { status: 500 });
    const r = await run(inv);
    expect(r).toMatchObject({ status: 'error', tier: null, error: { code: 'all_tiers_failed' } });
    expect(r.error?.message).toMatch(/small: error .*503.*; medium: error .*500/);
    expect(r.costUsd).toBe(0);
    const none = await executeChat(directInvoker([]), { chain: ['ghost'], request: req, validators });
    expect(none.attempts[0]).toMatchObject({ tierName: 'ghost', outcome: 'error', detail: 'tier ghost is not configured' });
  });

  it('stops escalating when the caller cancels', async () => {
    const { inv, m } = await tiers({ latencyMs: 1_000 });
    const ac = new AbortController();
    const p = executeChat(inv, { chain: ['small', 'medium'], request: req, validators, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    const r = await p;
    expect(r).toMatchObject({ status: 'error', error: { code: 'cancelled' } });
    expect(r.attempts.map((a) => a.outcome)).toEqual(['cancelled']);
    expect(m.requests).toBe(0);
  });
});
