// The streaming cascade over loopback HTTP: failures before the first token escalate transparently,
// failures after it end with an explicit error event and a 'partial' result.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type BehaviourSpec, type FakeUpstream } from '../fixtures/upstream';
import { executeStream, type StreamEvent } from '../../server/routing/executor-stream';
import { defaultPolicy } from '../../server/routing/policy';
import type { ChatRequest } from '../../server/tiers/types';
import { directInvoker, tierConfig } from './invoker';

const open: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((u) => u.close()));
});

async function invoker(small: BehaviourSpec, medium: BehaviourSpec = { content: 'Medium answer here.' }) {
  // A short small-tier timeout only for the stalled stream: a loaded machine must not time out the others.
  const timeoutMs = typeof small === 'object' && small.stall ? 300 : 10_000;
  const s = await startFakeUpstream(small);
  const m = await startFakeUpstream(medium);
  open.push(s, m);
  return { s, m, inv: directInvoker([tierConfig('small', s.baseUrl, { timeoutMs }), tierConfig('medium', m.baseUrl)]) };
}

const validators = defaultPolicy().validators;
const req: ChatRequest = { messages: [{ role: 'user', content: 'Explain photosynthesis.' }], stream: true };
const long = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

async function drain(inv: ReturnType<typeof directInvoker>, r: ChatRequest = req, chain = ['small', 'medium']) {
  const x = executeStream(inv, { chain, request: r, validators });
  const events: StreamEvent[] = [];
  for await (const e of x.events) events.push(e);
  const text = events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');
  return { events, text, result: await x.result };
}

describe('cascade executor (streaming)', () => {
  it('streams the first tier straight through when it is fine', async () => {
    const { inv } = await invoker({ content: long(100) });
    const { events, text, result } = await drain(inv);
    expect(events[0]).toEqual({ type: 'tier', tier: 'small' });
    expect(events.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop' });
    expect(text).toBe(long(100));
    expect(result).toMatchObject({ status: 'ok', content: long(100), escalations: 0 });
    expect(result.attempts[0].ttftMs).not.toBeNull();
  });

  const before: [string, BehaviourSpec, string][] = [
    // A socket destroyed right after the headers can surface as a network error or a cut: both escalate.
    ['a cut before the first token', { cutAtToken: 0, content: long(50), tokenDelayMs: 1 }, 'stream_cut|error'],
    ['a cut inside the held-back head', { cutAtToken: 5, content: long(100), tokenDelayMs: 1 }, 'stream_cut'],
    ['HTTP 500', { status: 500 }, 'error'],
    ['a streamed refusal', { refuse: true }, 'bad_answer'],
    ['an empty stream', { empty: true }, 'bad_answer'],
    ['a stalled stream', { stall: true }, 'timeout'],
    ['garbage events', { garbage: true }, 'error'],
  ];
  for (const [name, behaviour, outcome] of before) {
    it(`escalates transparently on ${name}`, async () => {
      const { inv } = await invoker(behaviour);
      const { events, text, result } = await drain(inv);
      expect(events.filter((e) => e.type === 'tier')).toEqual([{ type: 'tier', tier: 'medium' }]);
      expect(text).toBe('Medium answer here.');
      expect(events.at(-1)?.type).toBe('end');
      expect(result.status).toBe('ok');
      expect(result.attempts.map((a) => a.tierName)).toEqual(['small', 'medium']);
      expect(outcome.split('|')).toContain(result.attempts[0].outcome);
      expect(result.attempts[1].outcome).toBe('ok');
    });
  }

  it('ends with an error event and a partial result when the stream breaks after tokens were sent', async () => {
    const { inv, m } = await invoker({ cutAtToken: 80, content: long(200), tokenDelayMs: 1 });
    const { events, text, result } = await drain(inv);
    const last = events.at(-1);
    expect(last).toMatchObject({ type: 'error', code: 'stream_cut' });
    expect(events.some((e) => e.type === 'end')).toBe(false);
    expect(text.length).toBeGreaterThan(0);
    expect(long(200).startsWith(text)).toBe(true);
    expect(result).toMatchObject({ status: 'partial', error: { code: 'stream_cut' } });
    expect(result.attempts.map((a) => a.outcome)).toEqual(['stream_cut']);
    expect(result.attempts[0].tokensOut).toBeGreaterThan(0);
    expect(m.requests).toBe(0);
  });

  it('streams the last tier without holding back, and a cut there is partial too', async () => {
    const { inv } = await invoker({ status: 500 }, { cutAtToken: 3, content: long(20), tokenDelayMs: 1 });
    const { events, result } = await drain(inv);
    expect(events.filter((e) => e.type === 'delta')).toHaveLength(3);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'stream_cut' });
    expect(result.status).toBe('partial');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['error', 'stream_cut']);
  });

  it('escalates past an endless stream (the connector stops it at twice max_tokens)', async () => {
    const { inv } = await invoker({ endless: true, tokenDelayMs: 1 });
    const { text, result } = await drain(inv, { ...req, max_tokens: 5 });
    expect(text).toBe('Medium answer here.');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['error', 'ok']);
    expect(result.attempts[0].detail).toMatch(/does not stop/);
  });

  it('holds JSON answers whole so invalid JSON escalates', async () => {
    const { inv } = await invoker({ invalidJson: true }, { content: '{"ok": true}' });
    const { text, result } = await drain(inv, { ...req, response_format: { type: 'json_object' } });
    expect(text).toBe('{"ok": true}');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['bad_answer', 'ok']);
  });

  it('marks a streamed length stop without a client cap as partial, never as a clean success', async () => {
    const { inv } = await invoker({ content: long(100), finishReason: 'length' });
    const { events, result } = await drain(inv, req, ['small']);
    expect(events.at(-1)).toMatchObject({ type: 'end', finishReason: 'length' });
    expect(result).toMatchObject({ status: 'partial', error: { code: 'truncated' } });
    expect(result.attempts[0].outcome).toBe('bad_answer');
  });

  it('reports an error event when every tier fails before streaming', async () => {
    const { inv } = await invoker({ status: 500 }, { status: 502 });
    const { events, result } = await drain(inv);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', code: 'all_tiers_failed' });
    expect(result.status).toBe('error');
  });

  it('records a client that stops reading mid-answer as cancelled and partial', async () => {
    const { inv } = await invoker({ content: long(300), tokenDelayMs: 1 });
    const x = executeStream(inv, { chain: ['small', 'medium'], request: req, validators });
    let deltas = 0;
    for await (const e of x.events) if (e.type === 'delta' && ++deltas === 3) break;
    const result = await x.result;
    expect(result).toMatchObject({ status: 'partial', error: { code: 'cancelled' } });
    expect(result.attempts.map((a) => a.outcome)).toEqual(['cancelled']);
  });
});
