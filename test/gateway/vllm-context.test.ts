// A vLLM tier's context window read from its server: the registry probes /v1/models at the scrape
// cadence, and without an admin-set window the max_model_len it reports keeps prompts that do not
// fit off that tier (real loopback servers, the production registry, real decide()).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAnalyzer } from '../../server/complexity';
import type { DecisionRecord } from '../../server/decisions/types';
import { defaultPolicy, policySchema } from '../../server/routing/policy';
import { DEFAULT_CAPABILITIES } from '../../server/tiers/capabilities';
import { createTierRegistry } from '../../server/tiers/registry';
import type { TierConfig } from '../../server/tiers/types';
import { handleChat } from '../fixtures/chat';
import { testPrincipal } from '../fixtures/simulated-gateway';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';
import { tierConfig } from '../routing/invoker';

let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
let small: FakeUpstream;
let medium: FakeUpstream;
beforeAll(async () => {
  analyzer = await createAnalyzer();
  small = await startFakeUpstream({ content: 'Answer from small.', maxModelLen: 1024 });
  medium = await startFakeUpstream({ content: 'Answer from medium.' });
});
afterAll(async () => {
  await small.close();
  await medium.close();
  await analyzer.close();
});

const policy = policySchema.parse({ ...defaultPolicy(), rules: [{ id: 'easy', match: { keyword: 'EASY' }, action: { type: 'force', target: 'small' } }] });

async function setup(smallOver: Partial<TierConfig> = {}) {
  const tiers = [tierConfig('small', small.baseUrl, { kind: 'vllm', ...smallOver }), tierConfig('medium', medium.baseUrl, { role: 'medium' }), tierConfig('large', medium.baseUrl, { role: 'large' })];
  const byName = new Map(tiers.map((t) => [t.name, t]));
  const reg = createTierRegistry({ directory: { list: () => tiers, byName: (n) => byName.get(n) }, vllmMetrics: { intervalMs: 60_000 } });
  reg.states(); // starts the scraper for the vLLM tier
  await reg.scraper!.scrapeNow();
  const decisions: DecisionRecord[] = [];
  const deps = { analyzer, cache: null, policy: { current: () => ({ version: 1, policy }) }, tiers: reg, sink: { record: (d: DecisionRecord) => void decisions.push(d) } };
  const ask = async (content: string) => {
    const out = await handleChat(deps, testPrincipal, { model: null, messages: [{ role: 'user', content }], source: 'api' });
    if (out.kind !== 'complete') throw new Error('expected a complete answer');
    return { result: out.result, reasons: (decisions.at(-1)!.plan as { reasons: string[] }).reasons };
  };
  return { reg, ask };
}

// ~2,000 tokens by the estimate decide() uses: more than the 1,024 the small server takes.
const long = `EASY: summarise this. ${'The tide rises and falls twice a day. '.repeat(210)}`;

it('reads max_model_len from /v1/models and routes a prompt that does not fit elsewhere', async () => {
  const { reg, ask } = await setup();
  try {
    expect(small.hits['/v1/models']).toBeGreaterThanOrEqual(1);
    expect(reg.scraper!.contextTokens('small')).toBe(1024);
    expect(reg.states().small.capabilities?.contextTokens).toBe(1024);
    const short = await ask('EASY: what is the capital of France?');
    expect(short.result.tier).toBe('small');
    const before = small.requests;
    const r = await ask(long);
    expect(r.result.tier).toBe('medium');
    expect(small.requests).toBe(before);
    expect(r.reasons.join('\n')).toMatch(/tier small cannot serve a context of \d+ tokens \(it takes 1024\); skipped/);
  } finally {
    reg.stop();
  }
});

it("leaves an admin's context window alone", async () => {
  const { reg, ask } = await setup({ capabilities: { ...DEFAULT_CAPABILITIES, contextTokens: 100_000 } });
  try {
    expect(reg.states().small.capabilities?.contextTokens).toBe(100_000);
    expect((await ask(long)).result.tier).toBe('small');
  } finally {
    reg.stop();
  }
});
