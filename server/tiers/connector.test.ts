// The connector over real loopback HTTP against fake upstreams: every failure kind, stream cut
// detection, garbage, endless and stalled streams, usage estimation, logprobs.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type BehaviourSpec, type FakeUpstream } from '../../test/fixtures/upstream';
import { DEFAULT_CAPABILITIES } from './capabilities';
import { chat, chatStream, health, listModels } from './connector';
import { TierError } from './errors';
import type { ChatRequest, TierConfig } from './types';

const open: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((u) => u.close()));
});

async function upstream(b: BehaviourSpec = {}) {
  const u = await startFakeUpstream(b);
  open.push(u);
  return u;
}

export function tierFor(baseUrl: string, over: Partial<TierConfig> = {}): TierConfig {
  return {
    id: 't1', name: 'fake', role: 'small', kind: 'openai', baseUrl, model: 'fake-model', apiKey: 'sk-test',
    inputPricePerM: 1, outputPricePerM: 2, maxConcurrency: 4, timeoutMs: 5_000, enabled: true, ...over,
  };
}

const req: ChatRequest = { messages: [{ role: 'user', content: 'What is the capital of France?' }] };

async function failure(p: Promise<unknown> | AsyncIterable<unknown>): Promise<TierError> {
  try {
    if (p instanceof Promise) await p;
    else for await (const _ of p) void _;
  } catch (err) {
    expect(err).toBeInstanceOf(TierError);
    return err as TierError;
  }
  throw new Error('expected a TierError');
}

async function collect(it: AsyncIterable<{ delta: string; finishReason?: string | null; usage?: unknown; usageEstimated?: boolean }>) {
  let text = '';
  let last;
  for await (const c of it) {
    text += c.delta;
    last = c;
  }
  return { text, last };
}

describe('chat (non-streaming)', () => {
  it("clamps max_tokens to the tier's output cap, and asks for the cap when the request names none", async () => {
    const u = await upstream({ content: 'ok' });
    const tier = tierFor(u.baseUrl, { capabilities: { ...DEFAULT_CAPABILITIES, maxOutputTokens: 50 } });
    await chat(tier, { ...req, max_tokens: 1000 });
    await chat(tier, req);
    await chat(tier, { ...req, max_tokens: 10 });
    await chat(tier, { ...req, extra: { max_completion_tokens: 900 } });
    await chat(tierFor(u.baseUrl), req);
    expect(u.bodies.map((b) => b.max_tokens)).toEqual([50, 50, 10, 50, undefined]);
    expect(u.bodies[3].max_completion_tokens).toBe(50);
  });

  it('returns content, finish reason, usage and sends model + bearer key', async () => {
    const u = await upstream({ content: 'Paris is the capital.' });
    const r = await chat(tierFor(u.baseUrl), req);
    expect(r.content).toBe('Paris is the capital.');
    expect(r.finishReason).toBe('stop');
    expect(r.usageEstimated).toBe(false);
    expect(r.usage.completion_tokens).toBe(4);
    expect(u.bodies[0].model).toBe('fake-model');
    expect(u.bodies[0].stream).toBe(false);
    expect(u.headers[0].authorization).toBe('Bearer sk-test');
  });

  it('estimates usage when the upstream omits it', async () => {
    const u = await upstream({ content: 'x'.repeat(40), omitUsage: true });
    const r = await chat(tierFor(u.baseUrl), req);
    expect(r.usageEstimated).toBe(true);
    expect(r.usage.completion_tokens).toBe(10);
    expect(r.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('returns logprobs when asked', async () => {
    const u = await upstream({ content: 'a b c', logprob: -2.5 });
    const r = await chat(tierFor(u.baseUrl), { ...req, logprobs: true });
    expect(r.logprobs).toEqual([-2.5, -2.5, -2.5]);
  });

  it.each([
    [{ status: 500 }, 'http_5xx', 500],
    [{ status: 503 }, 'http_5xx', 503],
    [{ status: 400 }, 'http_4xx', 400],
    [{ status: 401 }, 'http_4xx', 401],
    [{ status: 429, retryAfter: 2 }, 'rate_limited', 429],
  ] as const)('maps %o to kind %s', async (b, kind, status) => {
    const u = await upstream(b);
    const e = await failure(chat(tierFor(u.baseUrl), req));
    expect(e.kind).toBe(kind);
    expect(e.upstreamStatus).toBe(status);
    expect(e.message).toContain(`fake upstream says ${status}`);
    if (status === 429) expect(e.retryAfterMs).toBe(2000);
  });

  it('times out a slow upstream', async () => {
    const u = await upstream({ latencyMs: 2_000 });
    const e = await failure(chat(tierFor(u.baseUrl, { timeoutMs: 100 }), req));
    expect(e.kind).toBe('timeout');
  });

  it.each([{ stall: true }, { endless: true }])('times out a body that never ends (%o)', async (b) => {
    const u = await upstream(b);
    const e = await failure(chat(tierFor(u.baseUrl, { timeoutMs: 300 }), req));
    expect(e.kind).toBe('timeout');
  });

  it('reports a refused connection as network', async () => {
    const u = await upstream();
    const baseUrl = u.baseUrl;
    await u.close();
    open.length = 0;
    const e = await failure(chat(tierFor(baseUrl), req));
    expect(e.kind).toBe('network');
  });

  it.each([
    [{ garbage: true }, /not JSON/],
    [{ garbage: '{"choices": "nope"}' }, /choices\[0\]\.message/],
    [{ garbage: '{"choices":[{"message":{"content":42}}]}' }, /not a string/],
  ])('calls a garbage body %o a bad_response', async (b, msg) => {
    const u = await upstream(b);
    const e = await failure(chat(tierFor(u.baseUrl), req));
    expect(e.kind).toBe('bad_response');
    expect(e.message).toMatch(msg);
  });

  it('honours the caller signal as cancelled', async () => {
    const u = await upstream({ latencyMs: 2_000 });
    const ac = new AbortController();
    const p = chat(tierFor(u.baseUrl), req, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    expect((await failure(p)).kind).toBe('cancelled');
  });
});

describe('chatStream', () => {
  it('streams deltas and ends with finish reason and upstream usage (include_usage sent)', async () => {
    const u = await upstream({ content: 'one two three four' });
    const { text, last } = await collect(chatStream(tierFor(u.baseUrl), req));
    expect(text).toBe('one two three four');
    expect(last?.finishReason).toBe('stop');
    expect(last?.usageEstimated).toBe(false);
    expect(u.bodies[0].stream_options).toEqual({ include_usage: true });
  });

  it('estimates usage when the stream has none', async () => {
    const u = await upstream({ content: 'one two three four', omitUsage: true });
    const { last } = await collect(chatStream(tierFor(u.baseUrl), req));
    expect(last?.usageEstimated).toBe(true);
    expect((last?.usage as { completion_tokens: number }).completion_tokens).toBeGreaterThan(0);
  });

  it('detects a stream cut at token k and says how many tokens were emitted', async () => {
    const u = await upstream({ content: 'a b c d e f g h', cutAtToken: 3 });
    const seen: string[] = [];
    const e = await failure(
      (async function* () {
        for await (const c of chatStream(tierFor(u.baseUrl), req)) {
          seen.push(c.delta);
          yield c;
        }
      })(),
    );
    expect(e.kind).toBe('stream_cut');
    expect(e.emittedTokens).toBe(3);
    expect(seen.join('')).toBe('a b c');
  });

  it('a cut before any token is stream_cut with zero emitted tokens (safe to escalate)', async () => {
    const u = await upstream({ content: 'a b c', cutAtToken: 0 });
    const e = await failure(chatStream(tierFor(u.baseUrl), req));
    expect(e.kind).toBe('stream_cut');
    expect(e.emittedTokens).toBe(0);
  });

  it('calls garbage data lines a bad_response', async () => {
    const u = await upstream({ garbage: 'this is not json' });
    const e = await failure(chatStream(tierFor(u.baseUrl), req));
    expect(e.kind).toBe('bad_response');
  });

  it('a stalled stream hits the idle timeout', async () => {
    const u = await upstream({ content: 'a b c d', stall: true, stallAfterTokens: 2 });
    const e = await failure(chatStream(tierFor(u.baseUrl), req, { idleTimeoutMs: 150 }));
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/silent/);
    expect(e.emittedTokens).toBe(2);
  });

  it('a slow consumer does not trip the idle timeout', async () => {
    const u = await upstream({ content: 'a b c' });
    let text = '';
    for await (const c of chatStream(tierFor(u.baseUrl), req, { idleTimeoutMs: 50 })) {
      text += c.delta;
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(text).toBe('a b c');
  });

  it('a stream that never sends a token hits the first-token timeout', async () => {
    const u = await upstream({ stall: true });
    const e = await failure(chatStream(tierFor(u.baseUrl, { timeoutMs: 150 }), req));
    expect(e.kind).toBe('timeout');
    expect(e.emittedTokens).toBe(0);
  });

  it('an endless stream is stopped by the token cap', async () => {
    const u = await upstream({ endless: true, tokenDelayMs: 0 });
    const e = await failure(chatStream(tierFor(u.baseUrl), { ...req, max_tokens: 20 }));
    expect(e.kind).toBe('bad_response');
    expect(e.emittedTokens).toBe(56);
  });

  it("an endless stream is ended at the tier's output cap with finish_reason length", async () => {
    const u = await upstream({ endless: true, tokenDelayMs: 0 });
    const tier = tierFor(u.baseUrl, { capabilities: { ...DEFAULT_CAPABILITIES, maxOutputTokens: 25 } });
    const { text, last } = await collect(chatStream(tier, { ...req, max_tokens: 4000 }));
    expect(last).toMatchObject({ finishReason: 'length', usageEstimated: true });
    expect(text.length).toBeGreaterThan(0);
    expect(u.bodies[0].max_tokens).toBe(25); // asked of the upstream too
    // The connection was dropped: the upstream is not left streaming into nowhere.
    for (let i = 0; i < 200 && u.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(u.inFlight).toBe(0);
  });

  it('an endless stream is stopped by the stream timeout', async () => {
    const u = await upstream({ endless: true, tokenDelayMs: 5 });
    const e = await failure(chatStream(tierFor(u.baseUrl), req, { streamTimeoutMs: 500 }));
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/stream timeout/);
  });

  it('accepts a server that ignores stream:true and answers JSON', async () => {
    const u = await upstream({ content: 'plain answer', ignoreStream: true });
    const { text, last } = await collect(chatStream(tierFor(u.baseUrl), req));
    expect(text).toBe('plain answer');
    expect(last?.finishReason).toBe('stop');
  });

  it('maps HTTP errors before the stream starts', async () => {
    const u = await upstream({ status: 429, retryAfter: 1 });
    const e = await failure(chatStream(tierFor(u.baseUrl), req));
    expect(e.kind).toBe('rate_limited');
    expect(e.retryAfterMs).toBe(1000);
  });

  it('passes finish_reason length through', async () => {
    const u = await upstream({ content: 'a b', finishReason: 'length' });
    const { last } = await collect(chatStream(tierFor(u.baseUrl), req));
    expect(last?.finishReason).toBe('length');
  });
});

describe('listModels and health', () => {
  it('lists models and reports health via /health', async () => {
    const u = await upstream({ model: 'fake-model' });
    expect(await listModels(tierFor(u.baseUrl))).toEqual(['fake-model']);
    const h = await health(tierFor(u.baseUrl));
    expect(h).toMatchObject({ ok: true, via: 'health' });
  });

  it('reports an unhealthy server and a dead one', async () => {
    const u = await upstream({ healthStatus: 503 });
    expect((await health(tierFor(u.baseUrl))).ok).toBe(false);
    const dead = tierFor('http://127.0.0.1:9/v1', { timeoutMs: 500 });
    const h = await health(dead);
    expect(h.ok).toBe(false);
    expect(h.error).toBeTruthy();
  });
});
