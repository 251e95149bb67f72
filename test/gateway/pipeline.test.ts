// The request pipeline end to end: the real analyzer (ONNX), real loopback tiers, the in-process
// cache; one decision record per request, whatever happens.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';
import { createAnalyzer } from '../../server/complexity';
import { createCache } from '../../server/cache';
import type { DecisionRecord } from '../../server/decisions/types';
import { createChatService } from '../../server/gateway/chat-service';
import { createTierRegistry } from '../../server/tiers/registry';
import { chatStreamHandler } from '../../server/http/chat-stream';
import { GatewayError } from '../../server/gateway/errors';
import { handleChat } from '../fixtures/chat';
import type { GatewayDeps } from '../../server/gateway/types';
import { defaultPolicy, policySchema, type Policy } from '../../server/routing/policy';
import type { Principal } from '../../server/contracts/principal';
import type { GatewayRequest } from '../../server/contracts/chat';
import type { TierConfig } from '../../server/tiers/types';
import { tierConfig } from '../routing/invoker';

const ups: Record<'small' | 'medium' | 'large', FakeUpstream> = {} as never;
let tiers: TierConfig[];
let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
let decisions: DecisionRecord[];
let policy: Policy;

beforeAll(async () => {
  analyzer = await createAnalyzer();
  for (const n of ['small', 'medium', 'large'] as const) ups[n] = await startFakeUpstream({ content: `Answer from ${n}.` });
  tiers = (['small', 'medium', 'large'] as const).map((n, i) => tierConfig(n, ups[n].baseUrl, { inputPricePerM: [0.1, 1, 10][i], outputPricePerM: [0.2, 2, 30][i] }));
});
afterAll(async () => {
  await Promise.all(Object.values(ups).map((u) => u.close()));
  await analyzer.close();
});
beforeEach(() => {
  decisions = [];
  for (const n of ['small', 'medium', 'large'] as const) ups[n].setBehaviour({ content: `Answer from ${n}.` });
  // Keyword rules make the target deterministic whatever the classifier thinks of the prompt.
  policy = policySchema.parse({
    ...defaultPolicy(),
    rules: [
      { id: 's', match: { keyword: 'EASY' }, action: { type: 'force', target: 'small' } },
      { id: 'r', match: { keyword: 'RESEARCH' }, action: { type: 'force', target: 'research' } },
    ],
    budgets: [{ apiKeyId: 'broke', monthlyUsd: 1 }],
  });
});

function deps(extra: Partial<GatewayDeps> = {}): GatewayDeps {
  const byName = new Map(tiers.map((t) => [t.name, t]));
  return {
    analyzer,
    cache: null,
    policy: { current: () => ({ version: 7, policy }) },
    tiers: createTierRegistry({ directory: { list: () => tiers, byName: (n) => byName.get(n) }, vllmMetrics: false }),
    sink: { record: (d) => decisions.push(d) },
    budgets: { spentUsd: (k) => (k === 'broke' ? 5 : 0) },
    ...extra,
  };
}
const principal = (apiKeyId: string | null = 'k1'): Principal => ({ kind: 'apiKey', id: apiKeyId ?? 'u', userId: null, apiKeyId, role: 'user', tenant: 't1', name: 'test' });
const ask = (content: string, extra: Partial<GatewayRequest> = {}): GatewayRequest => ({ model: null, messages: [{ role: 'user', content }], source: 'api', ...extra });

async function drain(events: AsyncIterable<{ type: string; content?: string }>) {
  const out: { type: string; content?: string }[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe('request pipeline (non-streaming)', () => {
  it('routes, answers and records one decision with plan, attempts, cost and baseline', async () => {
    const r = await handleChat(deps(), principal(), ask('EASY: what is 2+2?'));
    if (r.kind !== 'complete') throw new Error('expected a complete result');
    expect(r.result).toMatchObject({ content: 'Answer from small.', tier: 'small', cached: false, escalated: false });
    expect(decisions).toHaveLength(1);
    const d = decisions[0];
    expect(d).toMatchObject({ id: r.result.decisionId, finalTier: 'small', status: 'ok', policyVersion: 7, cacheStatus: 'off', apiKeyId: 'k1', escalations: 0 });
    expect(d.band).not.toBeNull();
    expect((d.plan as { reasons: string[] }).reasons.join('\n')).toMatch(/rule s forces small/);
    expect(d.costUsd).toBeGreaterThan(0);
    expect(d.baselineCostUsd).toBeGreaterThan(d.costUsd);
    expect(r.result.costUsd).toBe(d.costUsd);
  });

  it('escalates and records every attempt', async () => {
    ups.small.setBehaviour({ status: 500 });
    const r = await handleChat(deps(), principal(), ask('EASY: capital of Peru?'));
    expect(r.kind === 'complete' && r.result).toMatchObject({ tier: 'medium', escalated: true });
    expect(decisions[0].attempts.map((a) => [a.tierName, a.outcome])).toEqual([['small', 'error'], ['medium', 'ok']]);
    expect(decisions[0].escalations).toBe(1);
  });

  it('refuses at the budget and when every tier fails, still recording one decision each', async () => {
    await expect(handleChat(deps(), principal('broke'), ask('EASY: hi'))).rejects.toMatchObject({ code: 'budget_exceeded' });
    expect(decisions[0]).toMatchObject({ status: 'rejected', errorCode: 'budget_exceeded', attempts: [] });
    for (const u of Object.values(ups)) u.setBehaviour({ status: 503 });
    const err = await handleChat(deps(), principal(), ask('EASY: hi')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ code: 'upstream_error', decisionId: decisions[1].id });
    expect(decisions[1]).toMatchObject({ status: 'error', errorCode: 'all_tiers_failed', finalTier: null });
    expect(decisions[1].attempts).toHaveLength(3);
  });

  it('honours a tier named as the model, and rejects an unknown one', async () => {
    const r = await handleChat(deps(), principal(), ask('anything', { model: 'large' }));
    expect(r.kind === 'complete' && r.result.tier).toBe('large');
    expect(decisions[0].band).toBeNull();
    await expect(handleChat(deps(), principal(), ask('anything', { model: 'gpt-9' }))).rejects.toMatchObject({ code: 'unknown_tier' });
    expect(decisions).toHaveLength(2);
  });

  it('answers a repeated question from the cache without calling a tier', async () => {
    const cache = await createCache();
    try {
      const pending: Promise<unknown>[] = [];
      const d = deps({ cache, background: (t) => pending.push(t) });
      await handleChat(d, principal(), ask('EASY: what is the boiling point of water at sea level?', { temperature: 0 }));
      expect(pending).toHaveLength(1);
      await Promise.all(pending); // the store is off the request path
      const before = ups.small.requests;
      const r = await handleChat(d, principal(), ask('EASY: what is the boiling point of water at sea level?', { temperature: 0 }));
      expect(r.kind === 'complete' && r.result).toMatchObject({ cached: true, content: 'Answer from small.' });
      expect(ups.small.requests).toBe(before);
      expect(decisions.map((x) => x.cacheStatus)).toEqual(['miss', 'exact']);
      expect(decisions[1].costUsd).toBe(0);
    } finally {
      await cache.close();
    }
  });

  it('runs the research pipeline with every step in the record', async () => {
    ups.large.setBehaviour({ content: (b) => (b.messages?.[0]?.content.startsWith('You plan research') ? '["Q1?", "Q2?"]' : 'Synthesis [1] [2].') });
    const r = await handleChat(deps(), principal(), ask('RESEARCH the lithium market'));
    expect(r.kind === 'complete' && r.result).toMatchObject({ tier: 'large', content: 'Synthesis [1] [2].' });
    expect(decisions[0].attempts.map((a) => a.step).sort()).toEqual(['plan', 'sub:1', 'sub:2', 'synthesize']);
    expect(decisions[0].costUsd).toBeCloseTo(decisions[0].attempts.reduce((s, a) => s + a.costUsd, 0), 12);
  });
});

describe('chat page stream (POST /api/chat/stream handler)', () => {
  const body = (v: unknown) => ({ body: (async function* () { yield new TextEncoder().encode(JSON.stringify(v)); })(), contentLength: null });
  const chatDeps = () => ({ chat: createChatService(deps()), tiers: { list: () => tiers, byName: (n: string) => tiers.find((t) => t.name === n) }, maxBodyBytes: 1 << 20 });
  const user: Principal = { kind: 'user', id: 'u1', userId: 'u1', apiKeyId: null, role: 'user', tenant: 't1', name: 'u@test' };
  async function frames(r: Awaited<ReturnType<typeof chatStreamHandler>>) {
    if (!('stream' in r)) throw new Error(`expected a stream, got ${r.status}: ${'body' in r ? r.body : ''}`);
    let text = '';
    for await (const s of r.stream) text += s;
    return text.trim().split('\n\n').map((f) => {
      const [ev, data] = f.split('\n');
      return { event: ev.replace('event: ', ''), data: JSON.parse(data.replace('data: ', '')) as Record<string, unknown> };
    });
  }

  it('shows a research answer\'s progress (plan, each sub-question, synthesis) before its tokens', async () => {
    ups.large.setBehaviour({ content: (b) => (b.messages?.[0]?.content.startsWith('You plan research') ? '["Q1?", "Q2?", "Q3?"]' : 'Synthesis [1] [2] [3].') });
    const r = await chatStreamHandler(chatDeps(), user, body({ prompt: 'RESEARCH the lithium market' }));
    expect(r.status).toBe(200);
    const f = await frames(r);
    const progress = f.filter((x) => x.event === 'progress').map((x) => `${x.data.stage as string} ${x.data.done as number}/${x.data.total as number}`);
    expect(progress).toEqual(['plan 0/0', 'sub 0/3', 'sub 1/3', 'sub 2/3', 'sub 3/3', 'synthesize 3/3']);
    const firstToken = f.findIndex((x) => x.event === 'token');
    expect(f.findLastIndex((x) => x.event === 'progress')).toBeLessThan(firstToken);
    expect(f.at(-1)).toMatchObject({ event: 'done', data: { tier: 'large', band: expect.any(String) } });
    expect(new Set(f.filter((x) => x.event !== 'token').map((x) => x.data.decisionId))).toEqual(new Set([decisions[0].id]));
    expect('headers' in r && r.headers['x-cascade-decision-id']).toBe(decisions[0].id);
  });

  it('a research answer that fails after its progress began ends with an error event, and is recorded', async () => {
    // the planner fails (the question itself becomes the one sub-question), so does the synthesis
    ups.large.setBehaviour({ status: 500 });
    const r = await chatStreamHandler(chatDeps(), user, body({ prompt: 'RESEARCH the cobalt market' }));
    const f = await frames(r);
    expect(f[0].event).toBe('progress');
    expect(f.at(-1)?.event).toBe('error');
    expect(decisions).toHaveLength(1);
    expect(decisions[0].status).toBe('error');
  });

  it('keeps the HTTP status of a plain answer (no progress, no early commit)', async () => {
    const r = await chatStreamHandler(chatDeps(), user, body({ prompt: 'EASY: name a colour' }));
    const f = await frames(r);
    expect(f.some((x) => x.event === 'progress')).toBe(false);
    expect(f[0].event).toBe('meta');
  });
});

describe('request pipeline (streaming)', () => {
  it('knows the tier before the first token and records the decision when the stream ends', async () => {
    ups.small.setBehaviour({ refuse: true });
    const r = await handleChat(deps(), principal(), { ...ask('EASY: name a colour'), stream: true });
    if (r.kind !== 'stream') throw new Error('expected a stream');
    expect(r.stream.meta).toMatchObject({ tier: 'medium', band: expect.any(String) });
    expect(decisions).toHaveLength(0);
    const events = await drain(r.stream.events);
    expect(events.filter((e) => e.type === 'delta').map((e) => e.content).join('')).toBe('Answer from medium.');
    expect(events.at(-1)?.type).toBe('done');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ status: 'ok', finalTier: 'medium', escalations: 1 });
    expect(decisions[0].ttftMs).not.toBeNull();
  });

  it('ends a stream cut after tokens with an error event and a partial decision', async () => {
    const long = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
    ups.small.setBehaviour({ content: long, cutAtToken: 100, tokenDelayMs: 1 });
    const r = await handleChat(deps(), principal(), { ...ask('EASY: write a lot'), stream: true });
    if (r.kind !== 'stream') throw new Error('expected a stream');
    const events = await drain(r.stream.events);
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'stream_cut' });
    expect(decisions[0]).toMatchObject({ status: 'partial', errorCode: 'stream_cut', finalTier: 'small' });
  });

  it('throws before streaming when no tier can answer', async () => {
    for (const u of Object.values(ups)) u.setBehaviour({ status: 500 });
    await expect(handleChat(deps(), principal(), { ...ask('EASY: hi'), stream: true })).rejects.toMatchObject({ code: 'upstream_error' });
    expect(decisions).toHaveLength(1);
    expect(decisions[0].status).toBe('error');
  });
});
