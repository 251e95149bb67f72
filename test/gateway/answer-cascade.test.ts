// The answer-side cascade end to end: the real analyzer and the shipped answer-quality model (ONNX),
// loopback tiers over HTTP, the gateway's judge chain. A bad cheap answer escalates, a good one is
// delivered; every verdict and judge call is an attempt of the decision.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCache } from '../../server/cache';
import { createAnalyzer } from '../../server/complexity';
import type { DecisionRecord } from '../../server/decisions/types';
import type { GatewayDeps } from '../../server/gateway/types';
import { loadAnswerModel, type AnswerModelHolder } from '../../server/judging/holder';
import type { Principal } from '../../server/contracts/principal';
import type { GatewayRequest } from '../../server/contracts/chat';
import { defaultPolicy, policySchema, type Policy } from '../../server/routing/policy';
import { createTierRegistry } from '../../server/tiers/registry';
import type { TierConfig } from '../../server/tiers/types';
import { handleChat } from '../fixtures/chat';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';
import { tierConfig } from '../routing/invoker';

const NAMES = ['small', 'medium', 'large', 'judge'] as const;
const ups = {} as Record<(typeof NAMES)[number], FakeUpstream>;
let tiers: TierConfig[];
let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
let model: AnswerModelHolder;
let decisions: DecisionRecord[];
let policy: Policy;

const QUESTION = 'Janet has 16 eggs. She eats 3 and bakes with 4. She sells the rest at $2 each. How much does she make?';
const GOOD = 'She has 16 - 3 - 4 = 9 eggs left.\nShe makes 9 * 2 = $18.\n#### 18';
const WRONG_STEP = 'She has 16 - 3 - 4 = 9 eggs left.\nShe makes 9 * 2 = $16.\n#### 16';
const TRUNCATED = 'She has 16 - 3 = <<16-3';

beforeAll(async () => {
  analyzer = await createAnalyzer();
  model = await loadAnswerModel('models/answer-quality.onnx');
  for (const n of NAMES) ups[n] = await startFakeUpstream({ content: `Answer from ${n}.` });
  tiers = NAMES.map((n, i) => ({ ...tierConfig(n, ups[n].baseUrl, { inputPricePerM: [0.1, 1, 10, 2][i], outputPricePerM: [0.2, 2, 30, 4][i] }), role: n }));
});
afterAll(async () => {
  await Promise.all(Object.values(ups).map((u) => u.close()));
  await analyzer.close();
  await model.close();
});

function cascadePolicy(band: Record<string, unknown> = {}, judgeTier: string | null = null): Policy {
  const b = { mode: 'cascade', ...band };
  // No exploration: it would move a share of requests off the cheap start, at random per decision id.
  const base = defaultPolicy();
  return policySchema.parse({ ...base, research: { enabled: false }, tuner: { ...base.tuner, exploration: 0 }, answerJudging: { small: b, medium: b, large: b, judgeTier } });
}

beforeEach(() => {
  decisions = [];
  ups.small.setBehaviour({ content: GOOD });
  ups.medium.setBehaviour({ content: GOOD });
  ups.large.setBehaviour({ content: GOOD });
  ups.judge.setBehaviour({ content: 'The answer is fine. Rating: [[9]]' });
  policy = cascadePolicy();
});

function deps(extra: Partial<GatewayDeps> = {}): GatewayDeps {
  const byName = new Map(tiers.map((t) => [t.name, t]));
  return {
    analyzer,
    cache: null,
    policy: { current: () => ({ version: 3, policy }) },
    tiers: createTierRegistry({ directory: { list: () => tiers, byName: (n) => byName.get(n) }, vllmMetrics: false }),
    sink: { record: (d) => decisions.push(d) },
    answerModel: model,
    ...extra,
  };
}
const principal: Principal = { kind: 'apiKey', id: 'k', userId: null, apiKeyId: 'k', role: 'user', tenant: 't', name: 'test' };
const ask = (extra: Partial<GatewayRequest> & { stream?: boolean } = {}): GatewayRequest & { stream?: boolean } => ({ model: null, messages: [{ role: 'user', content: QUESTION }], source: 'api', ...extra });
const rows = (d: DecisionRecord) => d.attempts.map((a) => [a.tierName, a.step, a.outcome]);

async function drain(events: AsyncIterable<{ type: string; content?: string }>) {
  const out: { type: string; content?: string }[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe('answer-side cascade (non-streaming)', () => {
  it('delivers a good cheap answer after the judges accept it, without calling dearer tiers', async () => {
    const before = { m: ups.medium.requests, l: ups.large.requests };
    const r = await handleChat(deps(), principal, ask());
    expect(r.kind === 'complete' && r.result).toMatchObject({ tier: 'small', content: GOOD, escalated: false });
    expect(ups.medium.requests).toBe(before.m);
    expect(ups.large.requests).toBe(before.l);
    const d = decisions[0];
    expect(rows(d)).toEqual([
      ['small', 'answer', 'ok'],
      ['small', 'judge:validators', 'abstained'],
      ['small', 'judge:verifiers', 'abstained'],
      ['small', 'judge:model', 'accepted'],
    ]);
    expect(d.attempts[0].detail).toMatch(/^judged: accepted by model: P\(acceptable\) 0\.\d+ >= 0\.720/);
    expect(d.attempts[2].detail).toMatch(/2 arithmetic steps check out/);
    expect(d.escalations).toBe(0);
    expect((d.plan as { judging?: { mode: string } }).judging?.mode).toBe('cascade');
  });

  it('caches an accepted cheap answer (the verdict rows after it are not the answer)', async () => {
    const cache = await createCache();
    try {
      const pending: Promise<unknown>[] = [];
      const q = ask({ temperature: 0 });
      await handleChat(deps({ cache, background: (t) => pending.push(t) }), principal, q);
      await Promise.all(pending);
      expect(pending).toHaveLength(1);
      const r = await handleChat(deps({ cache }), principal, q);
      expect(r.kind === 'complete' && r.result).toMatchObject({ cached: true, content: GOOD });
      expect(decisions[0].finalTier).toBe('small');
    } finally {
      await cache.close();
    }
  });

  it('escalates a cheap answer with a wrong step (verifiers) and one the model distrusts (truncated)', async () => {
    ups.small.setBehaviour({ content: WRONG_STEP });
    ups.medium.setBehaviour({ content: TRUNCATED });
    const r = await handleChat(deps(), principal, ask());
    expect(r.kind === 'complete' && r.result).toMatchObject({ tier: 'large', content: GOOD, escalated: true });
    const d = decisions[0];
    expect(rows(d)).toEqual([
      ['small', 'answer', 'bad_answer'],
      ['small', 'judge:validators', 'abstained'],
      ['small', 'judge:verifiers', 'rejected'],
      ['medium', 'answer', 'bad_answer'],
      ['medium', 'judge:validators', 'abstained'],
      ['medium', 'judge:verifiers', 'abstained'],
      ['medium', 'judge:model', 'rejected'],
      ['large', 'answer', 'ok'],
    ]);
    expect(d.attempts[0].detail).toBe('judged: rejected by verifiers: 1 of 2 arithmetic steps are wrong (18 is written as 16)');
    expect(d.attempts[3].detail).toMatch(/rejected by model: P\(acceptable\) 0\.\d+ < 0\.720/);
    expect(d.escalations).toBe(2);
    // Every answer was paid for; the judges here cost nothing.
    expect(d.costUsd).toBeCloseTo(d.attempts.reduce((s, a) => s + a.costUsd, 0), 12);
  });

  it('asks the judge tier about uncertain answers and records its call as a paid attempt', async () => {
    // Accept only above 0.99: the model is unsure of every answer, so the judge tier decides.
    policy = cascadePolicy({ judges: ['validators', 'verifiers', 'model', 'judge_tier'], acceptThreshold: 0.99, uncertainBelow: 0.05, judgeAcceptScore: 0.7 }, 'judge');
    ups.judge.setBehaviour({ content: (b) => (b.messages?.[1]?.content.includes('#### 18') ? 'Correct. Rating: [[9]]' : 'Wrong. Rating: [[2]]') });
    ups.small.setBehaviour({ content: GOOD.replace('#### 18', 'So she makes 18 dollars. #### 18') });
    const r = await handleChat(deps(), principal, ask());
    expect(r.kind === 'complete' && r.result.tier).toBe('small');
    const d = decisions[0];
    const judgeRow = d.attempts.find((a) => a.step === 'judge:judge_tier')!;
    expect(judgeRow).toMatchObject({ tierName: 'judge', outcome: 'accepted' });
    expect(judgeRow.tokensIn).toBeGreaterThan(0);
    expect(judgeRow.costUsd).toBeGreaterThan(0);
    expect(judgeRow.detail).toMatch(/judge tier grade 9\/10/);
    const body = ups.judge.bodies.at(-1)!;
    expect(body.messages?.[0].content).toMatch(/Rating: \[\[5\]\]/);

    ups.small.setBehaviour({ content: 'She makes 16 dollars.\n#### 16' });
    const r2 = await handleChat(deps(), principal, ask());
    expect(r2.kind === 'complete' && r2.result.tier).toBe('medium');
    expect(decisions[1].attempts.find((a) => a.step === 'judge:judge_tier')).toMatchObject({ tierName: 'judge', outcome: 'rejected' });
  });

  it('self-consistency: a second sample that disagrees rejects the answer', async () => {
    policy = cascadePolicy({ judges: ['model', 'self_consistency'], acceptThreshold: 0.99, uncertainBelow: 0.05 });
    ups.small.setBehaviour((n) => ({ content: n % 2 === 1 ? GOOD : 'She has 16 - 4 = 12 eggs left.\nShe makes 12 * 2 = $24.\n#### 24' }));
    const before = ups.small.requests;
    const r = await handleChat(deps(), principal, ask());
    expect(r.kind === 'complete' && r.result.tier).toBe('medium');
    expect(ups.small.requests - before).toBe(2);
    const sc = decisions[0].attempts.find((a) => a.step === 'judge:self_consistency')!;
    expect(sc).toMatchObject({ tierName: 'small', outcome: 'rejected' });
    expect(sc.costUsd).toBeGreaterThan(0);
  });

  it('routes as before in route mode (no judges, no verdict rows)', async () => {
    policy = policySchema.parse({ ...defaultPolicy(), research: { enabled: false }, tuner: { ...defaultPolicy().tuner, exploration: 0 }, rules: [{ id: 'm', match: { keyword: 'Janet' }, action: { type: 'force', target: 'medium' } }] });
    ups.medium.setBehaviour({ content: WRONG_STEP });
    await handleChat(deps(), principal, ask());
    expect(rows(decisions[0])).toEqual([['medium', 'answer', 'ok']]);
  });
});

describe('answer-side cascade (streaming)', () => {
  it('holds the cheap answer until judged: a rejected one never reaches the client', async () => {
    ups.small.setBehaviour({ content: WRONG_STEP, tokenDelayMs: 1 });
    const r = await handleChat(deps(), principal, ask({ stream: true }));
    if (r.kind !== 'stream') throw new Error('expected a stream');
    expect(r.stream.meta.tier).toBe('medium');
    const events = await drain(r.stream.events);
    const text = events.filter((e) => e.type === 'delta').map((e) => e.content).join('');
    expect(text).toBe(GOOD);
    expect(rows(decisions[0]).slice(0, 3)).toEqual([['small', 'answer', 'bad_answer'], ['small', 'judge:validators', 'abstained'], ['small', 'judge:verifiers', 'rejected']]);
    // The accepted medium answer was held too, and the record says for how long.
    expect(decisions[0].attempts.find((a) => a.tierName === 'medium' && a.step === 'answer')!.detail).toMatch(/held \d+ ms after its first token until judged/);
  });

  it('streams unjudged where the band says so, and records what the judges would have said', async () => {
    policy = cascadePolicy({ stream: 'unjudged' });
    ups.small.setBehaviour({ content: WRONG_STEP });
    const r = await handleChat(deps(), principal, ask({ stream: true }));
    if (r.kind !== 'stream') throw new Error('expected a stream');
    const text = (await drain(r.stream.events)).filter((e) => e.type === 'delta').map((e) => e.content).join('');
    expect(text).toBe(WRONG_STEP);
    const d = decisions[0];
    expect(d.finalTier).toBe('small');
    expect(d.attempts[0]).toMatchObject({ outcome: 'ok' });
    expect(d.attempts[0].detail).toMatch(/^streamed unjudged; judges would have rejected it: rejected by verifiers/);
    expect(rows(d)).toContainEqual(['small', 'judge:verifiers', 'rejected']);
  });
});
