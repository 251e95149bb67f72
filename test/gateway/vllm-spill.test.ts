// vLLM-aware spill end to end: a vLLM tier's /metrics (real metric names, scraped over loopback by
// the gateway's tier registry) reports a deep server-side queue, and the request pipeline (real
// analyzer, real decide(), real HTTP tiers) sends the request to the next tier instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';
import { createAnalyzer } from '../../server/complexity';
import type { DecisionRecord } from '../../server/decisions/types';
import { handleChat } from '../fixtures/chat';
import { createTierRegistry } from '../../server/tiers/registry';
import { defaultPolicy, policySchema } from '../../server/routing/policy';
import type { Principal } from '../../server/contracts/principal';
import type { TierConfig } from '../../server/tiers/types';
import { tierConfig } from '../routing/invoker';

let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
const open: FakeUpstream[] = [];
beforeAll(async () => {
  analyzer = await createAnalyzer();
});
afterAll(async () => {
  await Promise.all(open.map((u) => u.close()));
  await analyzer.close();
});

// A keyword rule pins the target to small whatever the classifier thinks; spill limit 32 (default).
const policy = policySchema.parse({ ...defaultPolicy(), rules: [{ id: 'easy', match: { keyword: 'EASY' }, action: { type: 'force', target: 'small' } }] });
const principal: Principal = { kind: 'apiKey', id: 'k', userId: null, apiKeyId: 'k', role: 'user', tenant: 't', name: 'test' };

async function setup(small: { kind: TierConfig['kind']; waiting: number }) {
  const s = await startFakeUpstream({ content: 'Answer from small.', metrics: { waiting: small.waiting, running: 8, kvCacheUsage: 0.93 } });
  const m = await startFakeUpstream({ content: 'Answer from medium.' });
  open.push(s, m);
  const tiers = [tierConfig('small', s.baseUrl, { kind: small.kind }), tierConfig('medium', m.baseUrl, { role: 'medium' }), tierConfig('large', m.baseUrl, { role: 'large' })];
  const byName = new Map(tiers.map((t) => [t.name, t]));
  // A long interval: the test scrapes explicitly (scrapeNow) instead of waiting for the timer.
  const tiersReg = createTierRegistry({ directory: { list: () => tiers, byName: (n) => byName.get(n) }, vllmMetrics: { intervalMs: 60_000 } });
  tiersReg.states(); // the registry picks up its vLLM tiers and starts scraping
  await tiersReg.scraper!.scrapeNow();
  const decisions: DecisionRecord[] = [];
  const deps = { analyzer, cache: null, policy: { current: () => ({ version: 1, policy }) }, tiers: tiersReg, sink: { record: (d: DecisionRecord) => void decisions.push(d) } };
  const ask = async () => {
    const out = await handleChat(deps, principal, { model: null, messages: [{ role: 'user', content: 'EASY: what is the capital of France?' }], source: 'api' });
    if (out.kind !== 'complete') throw new Error('expected a complete answer');
    return out.result;
  };
  return { s, m, reg: tiersReg, decisions, ask };
}

describe('vLLM-aware spill', () => {
  it('spills to the next tier when num_requests_waiting is over the spill limit', async () => {
    const { s, m, reg, decisions, ask } = await setup({ kind: 'vllm', waiting: 50 });
    try {
      expect(reg.states().small).toMatchObject({ queued: 50, waiting: 50, kvCacheUsage: 0.93 });
      const r = await ask();
      expect(r.tier).toBe('medium');
      expect(r.content).toBe('Answer from medium.');
      expect(s.requests).toBe(0);
      expect(m.requests).toBe(1);
      expect(s.hits['/metrics']).toBeGreaterThanOrEqual(1);
      expect(decisions).toHaveLength(1);
      expect(decisions[0].finalTier).toBe('medium');
    } finally {
      reg.stop();
    }
  });

  it('stays on the tier while its queue is under the limit', async () => {
    const { s, m, reg, ask } = await setup({ kind: 'vllm', waiting: 5 });
    try {
      expect(reg.states().small).toMatchObject({ queued: 5, waiting: 5 });
      expect((await ask()).tier).toBe('small');
      expect(s.requests).toBe(1);
      expect(m.requests).toBe(0);
    } finally {
      reg.stop();
    }
  });

  it('does not scrape tiers that are not vLLM', async () => {
    const { s, reg, ask } = await setup({ kind: 'openai', waiting: 50 });
    try {
      expect(reg.states().small).toEqual({ enabled: true, breaker: 'closed', queued: 0 });
      expect((await ask()).tier).toBe('small');
      expect(s.hits['/metrics'] ?? 0).toBe(0);
    } finally {
      reg.stop();
    }
  });
});
