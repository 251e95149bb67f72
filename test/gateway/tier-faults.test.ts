// Tier faults through the OpenAI-compatible handler (real pipeline, analyzer, admission and loopback
// tiers): an escalated stream says so in its headers, an empty answer from the last tier is an error,
// a full queue is a 429, an endless stream is cut, and every error answer names its decision.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';
import { createAnalyzer } from '../../server/complexity';
import type { DecisionRecord } from '../../server/decisions/types';
import { createChatService } from '../../server/gateway/chat-service';
import type { GatewayDeps } from '../../server/gateway/types';
import { chatCompletions, type V1Deps } from '../../server/http/chat-completions';
import type { HttpResult } from '../../server/http/result';
import { defaultPolicy, policySchema, type Policy } from '../../server/routing/policy';
import type { Principal } from '../../server/contracts/principal';
import { Admission } from '../../server/tiers/admission';
import { createTierRegistry } from '../../server/tiers/registry';
import type { TierConfig } from '../../server/tiers/types';
import { tierConfig } from '../routing/invoker';

const names = ['small', 'medium', 'large'] as const;
const ups: Record<(typeof names)[number], FakeUpstream> = {} as never;
let tiers: TierConfig[];
let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
let decisions: DecisionRecord[];
let durableCalls = 0;
const policy: Policy = policySchema.parse({ ...defaultPolicy(), rules: [{ id: 's', match: { keyword: 'EASY' }, action: { type: 'force', target: 'small' } }] });
const principal: Principal = { kind: 'apiKey', id: 'k1', userId: null, apiKeyId: 'k1', role: 'user', tenant: 't1', name: 'test' };

beforeAll(async () => {
  analyzer = await createAnalyzer();
  for (const n of names) ups[n] = await startFakeUpstream({ content: `Answer from ${n}.` });
  tiers = names.map((n) => tierConfig(n, ups[n].baseUrl, { maxConcurrency: 1, timeoutMs: 2_000 }));
});
afterAll(async () => {
  await Promise.all(Object.values(ups).map((u) => u.close()));
  await analyzer.close();
});
beforeEach(() => {
  decisions = [];
  durableCalls = 0;
  for (const n of names) ups[n].setBehaviour({ content: `Answer from ${n}.` });
});

function v1(): V1Deps {
  const byName = new Map(tiers.map((t) => [t.name, t]));
  const directory = { list: () => tiers, byName: (n: string) => byName.get(n) };
  const deps: GatewayDeps = {
    analyzer, cache: null, policy: { current: () => ({ version: 1, policy }) },
    tiers: createTierRegistry({ directory, vllmMetrics: false, admission: new Admission({ maxQueue: 0 }) }),
    sink: { record: (d) => decisions.push(d) },
  };
  return {
    chat: createChatService(deps), tiers: directory, maxBodyBytes: 1 << 20,
    apiKeys: { verify: async () => principal },
    feedback: null as unknown as V1Deps['feedback'],
    durable: async () => void durableCalls++,
  };
}

async function* bodyOf(v: unknown) {
  yield new TextEncoder().encode(JSON.stringify(v));
}
const call = (deps: V1Deps, v: unknown) => chatCompletions(deps, { header: (n) => (n === 'authorization' ? 'Bearer x' : null), body: bodyOf(v) });
async function text(r: HttpResult): Promise<string> {
  if ('body' in r) return r.body;
  let out = '';
  for await (const s of r.stream) out += s;
  return out;
}

describe('tier faults at the API', () => {
  it('an escalated stream carries x-cascade-escalated: true', async () => {
    ups.small.setBehaviour({ status: 500 });
    const r = await call(v1(), { model: 'auto', stream: true, messages: [{ role: 'user', content: 'EASY: capital of Peru?' }] });
    expect(r.status).toBe(200);
    expect(r.headers['x-cascade-tier']).toBe('medium');
    expect(r.headers['x-cascade-escalated']).toBe('true');
    expect(await text(r)).toContain('[DONE]');
    expect(durableCalls).toBe(1); // [DONE] waited for the decision to be on disk
  });

  it('an empty answer from the last tier is an error with the decision id, not a 200', async () => {
    for (const n of names) ups[n].setBehaviour({ empty: true });
    for (const stream of [false, true]) {
      decisions = [];
      const r = await call(v1(), { model: 'auto', stream, messages: [{ role: 'user', content: 'EASY: say something' }] });
      expect(r.status).toBe(502);
      expect(r.headers['x-cascade-decision-id']).toBe(decisions[0].id);
      expect(decisions[0]).toMatchObject({ status: 'error', finalTier: null });
      expect(decisions[0].attempts.map((a) => a.outcome)).toEqual(['bad_answer', 'bad_answer', 'bad_answer']);
    }
  });

  it('a full tier queue answers 429 with Retry-After and the decision id', async () => {
    ups.large.setBehaviour({ latencyMs: 1000, content: 'slow' });
    const deps = v1();
    const ask = () => call(deps, { model: 'large', messages: [{ role: 'user', content: 'anything' }] });
    const [a, b] = await Promise.all([ask(), new Promise((r) => setTimeout(r, 200)).then(ask)]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(429);
    expect(b.headers['retry-after']).toBeTruthy();
    expect(JSON.parse((b as { body: string }).body).error.code).toBe('queue_full');
    expect(b.headers['x-cascade-decision-id']).toBe(decisions.find((d) => d.status === 'error')!.id);
  });

  it('an endless stream is cut by the token cap, and recorded as such', async () => {
    ups.large.setBehaviour({ endless: true, tokenDelayMs: 1 });
    const r = await call(v1(), { model: 'large', stream: true, max_tokens: 20, messages: [{ role: 'user', content: 'go on' }] });
    const body = await text(r);
    expect(body).toMatch(/"error"/);
    expect(body).not.toContain('[DONE]');
    expect(decisions[0].status).toBe('partial');
  });
});
