// TierClient's retry and circuit breaker over real loopback HTTP.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startFakeUpstream, type BehaviourSpec, type FakeUpstream } from '../../test/fixtures/upstream';
import { TierClient } from './client';
import { TierError } from './errors';
import type { TierConfig } from './types';

const open: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((u) => u.close()));
});
async function upstream(b: BehaviourSpec) {
  const u = await startFakeUpstream(b);
  open.push(u);
  return u;
}
const tierFor = (baseUrl: string): TierConfig => ({
  id: 't', name: 'fake', role: 'small', kind: 'openai', baseUrl, model: 'fake-model', apiKey: null,
  inputPricePerM: 1, outputPricePerM: 1, maxConcurrency: 4, timeoutMs: 5_000, enabled: true,
});
const req = { messages: [{ role: 'user' as const, content: 'hello' }] };
const fast = { baseDelayMs: 1, maxDelayMs: 5 };

async function caught(p: Promise<unknown>): Promise<TierError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(TierError);
  return e as TierError;
}
async function drain(it: AsyncIterable<{ delta: string }>) {
  let text = '';
  for await (const c of it) text += c.delta;
  return text;
}

describe('TierClient retry', () => {
  it('retries 5xx then succeeds', async () => {
    const u = await upstream((n) => (n <= 2 ? { status: 500 } : { content: 'ok now' }));
    const r = await new TierClient(tierFor(u.baseUrl), fast).chat(req);
    expect(r.content).toBe('ok now');
    expect(r.attempts).toBe(3);
    expect(u.requests).toBe(3);
  });

  it('gives up after maxRetries and reports the last error', async () => {
    const u = await upstream({ status: 503 });
    const e = await caught(new TierClient(tierFor(u.baseUrl), { ...fast, maxRetries: 2 }).chat(req));
    expect(e.kind).toBe('http_5xx');
    expect(u.requests).toBe(3);
  });

  it('retries 429 honouring a short Retry-After, and escalates at once on a long one', async () => {
    const u = await upstream((n) => (n === 1 ? { status: 429, retryAfter: 0 } : { content: 'after wait' }));
    expect((await new TierClient(tierFor(u.baseUrl), fast).chat(req)).content).toBe('after wait');
    const slow = await upstream({ status: 429, retryAfter: 120 });
    const e = await caught(new TierClient(tierFor(slow.baseUrl), fast).chat(req));
    expect(e.kind).toBe('rate_limited');
    expect(e.retryAfterMs).toBe(120_000);
    expect(slow.requests).toBe(1);
  });

  it('does not retry 4xx, bad responses or timeouts', async () => {
    for (const b of [{ status: 400 }, { garbage: true }]) {
      const u = await upstream(b);
      await caught(new TierClient(tierFor(u.baseUrl), fast).chat(req));
      expect(u.requests).toBe(1);
    }
  });

  it('retries a stream that fails before its first token', async () => {
    const u = await upstream((n) => (n === 1 ? { status: 502 } : n === 2 ? { cutAtToken: 0 } : { content: 'streamed fine' }));
    const client = new TierClient(tierFor(u.baseUrl), fast);
    // a cut before any token is not retryable (stream_cut), so only the 502 is retried here
    const e = await drain(client.chatStream(req)).catch((x: TierError) => x);
    expect((e as TierError).kind).toBe('stream_cut');
    expect(u.requests).toBe(2);
    expect(await drain(client.chatStream(req))).toBe('streamed fine');
  });

  it('never retries once a stream emitted tokens', async () => {
    const u = await upstream({ content: 'a b c d e', cutAtToken: 2 });
    const client = new TierClient(tierFor(u.baseUrl), fast);
    let text = '';
    const e = await (async () => {
      for await (const c of client.chatStream(req)) text += c.delta;
    })().catch((x: TierError) => x);
    expect(e).toBeInstanceOf(TierError);
    expect((e as TierError).kind).toBe('stream_cut');
    expect((e as TierError).emittedTokens).toBe(2);
    expect(text).toBe('a b');
    expect(u.requests).toBe(1);
  });
});

describe('TierClient circuit breaker', () => {
  // The breaker's clock is Date (cockatiel reads it too): tests move it instead of sleeping.
  const clock = () => vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
  const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);
  afterEach(() => vi.useRealTimers());

  it('opens after N consecutive faults, refuses without calling, half-opens and closes on success', async () => {
    let failing = true;
    const u = await upstream(() => (failing ? { status: 500 } : { content: 'back' }));
    clock();
    const client = new TierClient(tierFor(u.baseUrl), { ...fast, maxRetries: 0, breakerThreshold: 3, halfOpenAfterMs: 1_000 });
    const states: string[] = [];
    client.onBreakerChange((s) => states.push(s));
    for (let i = 0; i < 3; i++) expect((await caught(client.chat(req))).kind).toBe('http_5xx');
    expect(client.breaker).toBe('open');
    const refused = await caught(client.chat(req));
    expect(refused.kind).toBe('circuit_open');
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(u.requests).toBe(3);
    advance(1_100);
    expect(client.breaker).toBe('half-open');
    failing = false;
    expect((await client.chat(req)).content).toBe('back');
    expect(client.breaker).toBe('closed');
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('a failed probe re-opens the breaker; 4xx does not count as a tier fault', async () => {
    const u = await upstream({ status: 400 });
    clock();
    const client = new TierClient(tierFor(u.baseUrl), { ...fast, maxRetries: 0, breakerThreshold: 2, halfOpenAfterMs: 1_000 });
    for (let i = 0; i < 4; i++) await caught(client.chat(req));
    expect(client.breaker).toBe('closed');
    u.setBehaviour({ status: 500 });
    await caught(client.chat(req));
    await caught(client.chat(req));
    expect(client.breaker).toBe('open');
    advance(1_100);
    expect((await caught(client.chat(req))).kind).toBe('http_5xx');
    expect(client.breaker).toBe('open');
  });

  it('counts a mid-stream cut against the tier', async () => {
    const u = await upstream({ content: 'a b c d', cutAtToken: 1 });
    const client = new TierClient(tierFor(u.baseUrl), { ...fast, maxRetries: 0, breakerThreshold: 2, halfOpenAfterMs: 60_000 });
    for (let i = 0; i < 2; i++) await drain(client.chatStream(req)).catch(() => undefined);
    expect(client.breaker).toBe('open');
  });
});

describe('TierClient cancellation', () => {
  it('returns at once when the caller aborts during a retry backoff', async () => {
    const u = await upstream({ status: 429, retryAfter: 4 });
    const client = new TierClient(tierFor(u.baseUrl), { ...fast, maxRetryAfterMs: 10_000 });
    const ac = new AbortController();
    const p = client.chat(req, { signal: ac.signal });
    while (u.requests < 1) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    const e = await caught(p);
    expect(e.kind).toBe('cancelled');
    expect(u.requests).toBe(1);
  });
});
