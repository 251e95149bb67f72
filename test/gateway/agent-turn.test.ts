// An agent turn through the gateway: the structure of the turn (tools offered, tool results so far)
// moves the route up from what the last user text alone would get, and the decision says why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../server/complexity';
import type { DecisionRecord } from '../../server/decisions/types';
import type { GatewayDeps } from '../../server/gateway/types';
import { defaultPolicy, policySchema } from '../../server/routing/policy';
import { createTierRegistry } from '../../server/tiers/registry';
import type { TierConfig } from '../../server/tiers/types';
import { handleChat } from '../fixtures/chat';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';
import { tierConfig } from '../routing/invoker';
import { testPrincipal } from '../fixtures/simulated-gateway';

const NAMES = ['small', 'medium', 'large'] as const;
const ups = {} as Record<(typeof NAMES)[number], FakeUpstream>;
let tiers: TierConfig[];
let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
const decisions: DecisionRecord[] = [];

beforeAll(async () => {
  analyzer = await createAnalyzer();
  for (const n of NAMES) ups[n] = await startFakeUpstream({ content: `Answer from ${n}.` });
  tiers = NAMES.map((n) => ({ ...tierConfig(n, ups[n].baseUrl), role: n }));
});
afterAll(async () => {
  await Promise.all(Object.values(ups).map((u) => u.close()));
  await analyzer.close();
});

function deps(): GatewayDeps {
  const base = defaultPolicy();
  const policy = policySchema.parse({ ...base, research: { enabled: false }, tuner: { ...base.tuner, exploration: 0 } });
  return {
    analyzer, cache: null, policy: { current: () => ({ version: 1, policy }) },
    tiers: createTierRegistry({ directory: { list: () => tiers, byName: (n) => tiers.find((t) => t.name === n) }, vllmMetrics: false }),
    sink: { record: (d) => decisions.push(d) },
  };
}

const weather = { type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

describe('agent turns', () => {
  it('routes the same short ask to the small tier alone and to the medium tier when it comes with tools', async () => {
    const ask = { model: null, messages: [{ role: 'user' as const, content: 'What is the weather in Paris?' }], source: 'api' as const };
    const plain = await handleChat(deps(), testPrincipal, ask);
    expect(plain.kind === 'complete' && plain.result.tier).toBe('small');
    const withTools = await handleChat(deps(), testPrincipal, { ...ask, tools: [weather] });
    expect(withTools.kind === 'complete' && withTools.result.tier).toBe('medium');
    const d = decisions.at(-1)!;
    expect(d.band).toBe('moderate');
    expect((d.signals as { agent?: unknown }).agent).toMatchObject({ toolsOffered: 1, floor: { band: 'moderate' } });
  });
});
