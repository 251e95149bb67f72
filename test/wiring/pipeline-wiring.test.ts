// The tuning hooks of the request pipeline, end to end over loopback tiers and the real analyzer:
// exploration after decide(), budgets from the DecisionRollup spend source (real Postgres), and the
// cache hit's entry + similarity recorded in the decision's plan.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';
import { tierConfig } from '../routing/invoker';
import { createAnalyzer } from '../../server/complexity';
import { createCache } from '../../server/cache';
import { createPrisma, type PrismaClient } from '../../server/db/client';
import type { DecisionRecord } from '../../server/decisions/types';
import { createTierRegistry } from '../../server/tiers/registry';
import { handleChat } from '../fixtures/chat';
import type { PlanNotes } from '../../server/gateway/record';
import type { GatewayDeps } from '../../server/gateway/types';
import { defaultPolicy, policySchema, type Policy, type PolicyInput } from '../../server/routing/policy';
import { dayStart, monthStart, rollupBudgetSource } from '../../server/runtime/budgets';
import type { Principal } from '../../server/contracts/principal';
import type { GatewayRequest } from '../../server/contracts/chat';
import type { TierConfig } from '../../server/tiers/types';

const NAMES = ['small', 'medium', 'large'] as const;
const ups = {} as Record<(typeof NAMES)[number], FakeUpstream>;
let tiers: TierConfig[];
let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
let prisma: PrismaClient;
let decisions: DecisionRecord[];

beforeAll(async () => {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set (the vitest global setup provides one)');
  prisma = createPrisma(url, { poolSize: 2 });
  analyzer = await createAnalyzer();
  for (const n of NAMES) ups[n] = await startFakeUpstream({ content: `Answer from ${n}.` });
  tiers = NAMES.map((n, i) => tierConfig(n, ups[n].baseUrl, { inputPricePerM: [0.1, 1, 10][i], outputPricePerM: [0.2, 2, 30][i] }));
});
afterAll(async () => {
  await Promise.all(Object.values(ups).map((u) => u.close()));
  await analyzer.close();
  await prisma.$disconnect();
});
beforeEach(() => {
  decisions = [];
});

const policyOf = (extra: Partial<PolicyInput>): Policy => policySchema.parse({ ...defaultPolicy(), ...extra });

function deps(policy: Policy, extra: Partial<GatewayDeps> = {}): GatewayDeps {
  const byName = new Map(tiers.map((t) => [t.name, t]));
  return {
    analyzer,
    cache: null,
    policy: { current: () => ({ version: 3, policy }) },
    tiers: createTierRegistry({ directory: { list: () => tiers, byName: (n) => byName.get(n) }, vllmMetrics: false }),
    sink: { record: (d) => decisions.push(d) },
    ...extra,
  };
}
const principal = (apiKeyId: string | null = null): Principal => ({ kind: 'apiKey', id: apiKeyId ?? 'u1', userId: null, apiKeyId, role: 'user', tenant: 't-wiring', name: 'test' });
const ask = (content: string, extra: Partial<GatewayRequest> = {}): GatewayRequest => ({ model: null, messages: [{ role: 'user', content }], source: 'api', ...extra });
const planOf = (d: DecisionRecord) => d.plan as { target: string; scoredTarget: string; reasons: string[] } & PlanNotes;

describe('exploration', () => {
  it('sends the configured share one tier lower or higher, marks it in the plan, and the tier that answered is recorded', async () => {
    const d = deps(policyOf({ tuner: { ...defaultPolicy().tuner, mode: 'propose', exploration: 0.2 } }));
    for (let i = 0; i < 80; i++) await handleChat(d, principal(), ask('What is the capital of France?'));
    const explored = decisions.filter((x) => planOf(x).exploration);
    // 80 requests at 20 %: P(none explored) = 0.8^80 ≈ 2e-8, P(all) is nil.
    expect(explored.length).toBeGreaterThan(0);
    expect(explored.length).toBeLessThan(80);
    for (const x of explored) {
      const p = planOf(x);
      expect(p.exploration).toMatchObject({ from: p.scoredTarget, to: p.target, share: 0.2 });
      expect(Math.abs(NAMES.indexOf(p.target as never) - NAMES.indexOf(p.scoredTarget as never))).toBe(1);
      expect(p.reasons.join('\n')).toMatch(/exploration \(20 % of traffic\)/);
      expect(x.finalTier).toBe(p.target);
    }
    for (const x of decisions.filter((y) => !planOf(y).exploration)) expect(planOf(x).target).toBe(planOf(x).scoredTarget);
  });

  it("uses a key's own cache similarity threshold where the policy gives one, and records it", async () => {
    const cache = await createCache();
    try {
      const pending: Promise<unknown>[] = [];
      // tuner off: exploration would bypass the cache for a share of requests (a flaky 5 %)
      const policy = policyOf({ tuner: { ...defaultPolicy().tuner, mode: 'off' }, apiKeyOverrides: [{ apiKeyId: 'k-strict', thresholds: {}, cacheSimilarityThreshold: 0.97 }] });
      const d = deps(policy, { cache, background: (t) => pending.push(t) });
      await handleChat(d, principal('k-strict'), ask('Which rivers flow through Vienna?', { temperature: 0 }));
      await Promise.all(pending);
      await handleChat(d, principal('k-strict'), ask('Could you tell me which rivers flow through Vienna?', { temperature: 0 }));
      await handleChat(d, principal('k-other'), ask('Could you please tell me which rivers flow through Vienna?', { temperature: 0 }));
      const [, strict, other] = decisions;
      expect(strict.cacheStatus).toBe('semantic');
      expect(other.cacheStatus).toBe('semantic');
      expect((planOf(strict) as PlanNotes & { cache: { threshold: number } }).cache.threshold).toBe(0.97);
      expect((planOf(other) as PlanNotes & { cache: { threshold: number } }).cache.threshold).toBe(policy.cache.similarityThreshold);
      // the schema bounds it like the policy-wide threshold
      expect(policySchema.safeParse({ ...defaultPolicy(), apiKeyOverrides: [{ apiKeyId: 'k', thresholds: {}, cacheSimilarityThreshold: 0.2 }] }).success).toBe(false);
    } finally {
      await cache.close();
    }
  });

  it('records why the cache was bypassed, so the console can say it', async () => {
    const cache = await createCache();
    try {
      const d = deps(policyOf({ tuner: { ...defaultPolicy().tuner, mode: 'off' } }), { cache });
      await handleChat(d, principal(), { ...ask('And the capital of Spain?'), messages: [{ role: 'user', content: 'What is the capital of France?' }, { role: 'assistant', content: 'Paris.' }, { role: 'user', content: 'And the capital of Spain?' }] });
      await handleChat(d, principal(), { ...ask('What is the capital of Spain?'), model: 'small' });
      await handleChat(d, principal(), ask('What is the capital of Portugal?', { temperature: 0 }));
      const [conversation, named, plain] = decisions;
      expect(conversation.cacheStatus).toBe('bypass');
      expect((planOf(conversation) as PlanNotes).cacheBypass).toEqual({ reason: 'conversation', detail: '2 earlier turn(s)' });
      expect((planOf(named) as PlanNotes).cacheBypass).toEqual({ reason: 'forced', detail: 'the request named a tier' });
      expect(plain.cacheStatus).toBe('miss');
      expect((planOf(plain) as PlanNotes).cacheBypass).toBeUndefined();
    } finally {
      await cache.close();
    }
  });

  it('bypasses the cache for explored requests, so the explored tier really answers', async () => {
    const cache = await createCache();
    try {
      const pending: Promise<unknown>[] = [];
      const d = deps(policyOf({ tuner: { ...defaultPolicy().tuner, mode: 'auto', exploration: 0.2 } }), { cache, background: (t) => pending.push(t) });
      // Stored first without exploration, so every later request could be answered from the cache.
      await handleChat(deps(policyOf({ tuner: { ...defaultPolicy().tuner, mode: 'off' } }), { cache, background: (t) => pending.push(t) }), principal(), ask('What is the tallest mountain in Africa?', { temperature: 0 }));
      await Promise.all(pending);
      for (let i = 0; i < 60; i++) await handleChat(d, principal(), ask('What is the tallest mountain in Africa?', { temperature: 0 }));
      const explored = decisions.filter((x) => planOf(x).exploration);
      expect(explored.length).toBeGreaterThan(0);
      for (const x of explored) expect(x).toMatchObject({ cacheStatus: 'bypass', finalTier: planOf(x).target });
      for (const x of explored) expect((planOf(x) as PlanNotes).cacheBypass).toEqual({ reason: 'explored', detail: 'exploration bypasses the cache' });
      expect(decisions.filter((x) => !planOf(x).exploration).slice(1).every((x) => x.cacheStatus === 'exact')).toBe(true);
    } finally {
      await cache.close();
    }
  });

  it('never explores when the tuner is off, a rule matches, or the key has a budget', async () => {
    const tuner = { ...defaultPolicy().tuner, exploration: 0.2 };
    const cases: [Policy, Principal, string][] = [
      [policyOf({ tuner: { ...tuner, mode: 'off' } }), principal(), 'What is the capital of France?'],
      [policyOf({ tuner: { ...tuner, mode: 'auto' }, rules: [{ id: 'f', match: { keyword: 'France' }, action: { type: 'forbid', target: 'research' } }] }), principal(), 'What is the capital of France?'],
      [policyOf({ tuner: { ...tuner, mode: 'auto' }, budgets: [{ apiKeyId: 'kb', monthlyUsd: 1000 }] }), principal('kb'), 'What is the capital of France?'],
    ];
    for (const [policy, who, prompt] of cases) {
      for (let i = 0; i < 40; i++) await handleChat(deps(policy, { budgets: { spentUsd: () => 0 } }), who, ask(prompt));
    }
    expect(decisions).toHaveLength(120);
    expect(decisions.filter((x) => planOf(x).exploration || planOf(x).reasons.some((r) => r.startsWith('exploration')))).toEqual([]);
  });
});

describe('budgets from DecisionRollup', () => {
  /** A cost in both rollups, as the decision writer moves them (hour and UTC-day buckets). */
  async function spend(apiKeyId: string, usd: number, at: Date) {
    const row = { apiKeyId, tier: 'large', band: 'complex', policyVersion: 3, cacheStatus: 'miss', status: 'ok', count: 1, costUsd: usd, baselineCostUsd: usd, tokensIn: 1, tokensOut: 1, latencySumMs: 1, ttftSumMs: 0, ttftCount: 0, escalations: 0, latencyHist: [] };
    await prisma.decisionRollup.create({ data: { ...row, bucket: new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000) } });
    await prisma.decisionRollupDaily.create({ data: { ...row, bucket: dayStart(at) } });
  }

  it('refuses a key over its monthly budget and routes a key near it one tier cheaper; last month does not count', async () => {
    const over = `k-over-${randomUUID()}`;
    const near = `k-near-${randomUUID()}`;
    const now = new Date();
    await spend(over, 6, now);
    await spend(over, 5, monthStart(now)); // first instant of the month counts
    await spend(near, 8.5, now);
    await spend(near, 500, new Date(monthStart(now).getTime() - 1)); // last month: does not count
    const policy = policyOf({
      budgets: [{ apiKeyId: over, monthlyUsd: 10 }, { apiKeyId: near, monthlyUsd: 10, downgradeAt: 0.8 }],
      rules: [{ id: 'big', match: { keyword: 'BIG' }, action: { type: 'force', target: 'large' } }],
    });
    const d = deps(policy, { budgets: rollupBudgetSource(prisma) });
    await expect(handleChat(d, principal(over), ask('BIG: hi'))).rejects.toMatchObject({ code: 'budget_exceeded', message: 'monthly budget of $10.00 for this API key is used up ($11.00 spent)' });
    expect(decisions[0]).toMatchObject({ status: 'rejected', errorCode: 'budget_exceeded', apiKeyId: over });
    const r = await handleChat(d, principal(near), ask('BIG: hi'));
    expect(r.kind === 'complete' && r.result.tier).toBe('medium');
    expect(planOf(decisions[1]).reasons.join('\n')).toMatch(/near the monthly budget \(\$8\.50 of \$10\.00\): routed one tier cheaper, large -> medium/);
  });

  it('serves a key without a budget without reading spend, and says so in the plan when spend cannot be read', async () => {
    const policy = policyOf({ budgets: [{ apiKeyId: 'k-broken', monthlyUsd: 10 }] });
    let reads = 0;
    const d = deps(policy, { budgets: { spentUsd: (k) => (reads++, k === 'k-broken' ? Promise.reject(new Error('db down')) : 0) } });
    await handleChat(d, principal('k-free'), ask('hello there'));
    expect(reads).toBe(0);
    await handleChat(d, principal('k-broken'), ask('hello there'));
    expect(planOf(decisions[1]).reasons[0]).toMatch(/spend of this key could not be read \(db down\); budget not enforced/);
  });
});

describe('cache hits in the decision', () => {
  it('records entry id, kind and similarity of exact and semantic hits', async () => {
    const cache = await createCache();
    try {
      const pending: Promise<unknown>[] = [];
      const policy = policyOf({ tuner: { ...defaultPolicy().tuner, mode: 'off' } });
      const d = deps(policy, { cache, background: (t) => pending.push(t) });
      await handleChat(d, principal(), ask('Which foods are safe for dogs?', { temperature: 0 }));
      await Promise.all(pending);
      await handleChat(d, principal(), ask('Which foods are safe for dogs?', { temperature: 0 }));
      await handleChat(d, principal(), ask('Could you please tell me which foods are safe for dogs?', { temperature: 0 }));
      expect(decisions.map((x) => x.cacheStatus)).toEqual(['miss', 'exact', 'semantic']);
      expect(planOf(decisions[0]).cache).toBeUndefined();
      expect(planOf(decisions[1]).cache).toMatchObject({ kind: 'exact', similarity: 1, entryId: expect.any(String), threshold: policy.cache.similarityThreshold });
      const sem = planOf(decisions[2]).cache!;
      expect(sem).toMatchObject({ kind: 'semantic', entryId: planOf(decisions[1]).cache!.entryId, verifier: expect.stringMatching(/^ok/) });
      expect(sem.similarity).toBeGreaterThanOrEqual(policy.cache.similarityThreshold);
      expect(sem.similarity).toBeLessThanOrEqual(1); // the cache strips politeness before embedding: this paraphrase may score 1
    } finally {
      await cache.close();
    }
  });
});
