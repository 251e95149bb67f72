// Per-tier request fields: a dropped field never reaches that tier; a refused field keeps the tier
// out of the chain of a request carrying it (said in the reasons), and a request no tier can take is
// refused naming the field. Three loopback upstreams as the small, medium and large tiers, the
// production tier registry, the real analyzer.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAnalyzer } from '../../server/complexity';
import type { GatewayRequest } from '../../server/contracts/chat';
import type { DecisionRecord } from '../../server/decisions/types';
import { GatewayError } from '../../server/gateway/errors';
import type { GatewayDeps } from '../../server/gateway/types';
import { defaultPolicy, policySchema } from '../../server/routing/policy';
import { createTierRegistry } from '../../server/tiers/registry';
import type { TierRequestFields } from '../../server/tiers/request-fields';
import type { TierConfig } from '../../server/tiers/types';
import { handleChat } from '../fixtures/chat';
import { testPrincipal } from '../fixtures/simulated-gateway';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';

let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
const ups: Record<'small' | 'medium' | 'large', FakeUpstream> = {} as never;
const decisions: DecisionRecord[] = [];

beforeAll(async () => {
  analyzer = await createAnalyzer();
  for (const r of ['small', 'medium', 'large'] as const) ups[r] = await startFakeUpstream({ content: `answer from ${r}` });
});
afterAll(async () => {
  for (const u of Object.values(ups)) await u.close();
  await analyzer.close();
});

function deps(fields: Partial<Record<'small' | 'medium' | 'large', TierRequestFields>>): GatewayDeps {
  const tiers: TierConfig[] = (['small', 'medium', 'large'] as const).map((r, i) => ({
    id: r, name: `t-${r}`, role: r, kind: 'openai', baseUrl: ups[r].baseUrl, model: 'fake-model', apiKey: null,
    inputPricePerM: i + 0.1, outputPricePerM: i + 0.2, maxConcurrency: 4, timeoutMs: 10_000, enabled: true,
    ...(fields[r] ? { requestFields: fields[r] } : {}),
  }));
  const policy = policySchema.parse({ ...defaultPolicy(), rules: [{ id: 's', match: { keyword: 'EASY' }, action: { type: 'force', target: 'small' } }] });
  policy.targets = { ...policy.targets, small: 't-small', medium: 't-medium', large: 't-large' };
  policy.escalation = { small: ['t-medium', 't-large'], medium: ['t-large'], large: [] } as typeof policy.escalation;
  return {
    analyzer, cache: null, policy: { current: () => ({ version: 1, policy }) },
    tiers: createTierRegistry({ directory: { list: () => tiers, byName: (n) => tiers.find((t) => t.name === n) }, vllmMetrics: false }),
    sink: { record: (d) => decisions.push(d) },
  };
}

const ask = (extra: Partial<GatewayRequest> = {}): GatewayRequest => ({ model: null, messages: [{ role: 'user', content: 'EASY: say hello' }], source: 'api', ...extra });

it('drops the fields a tier is set to drop, and forwards the rest', async () => {
  const d = deps({ small: { drop: ['seed', 'reasoning_effort'], reject: [] } });
  const before = ups.small.bodies.length;
  const r = await handleChat(d, testPrincipal, ask({ seed: 7, temperature: 0.3, extra: { reasoning_effort: 'low', metadata: { a: '1' } } }));
  if (r.kind !== 'complete') throw new Error('expected a complete answer');
  expect(r.result.content).toBe('answer from small');
  const body = ups.small.bodies[before];
  expect(body).not.toHaveProperty('seed');
  expect(body).not.toHaveProperty('reasoning_effort');
  expect(body).toMatchObject({ temperature: 0.3, metadata: { a: '1' } });
  d.tiers.stop();
});

it('keeps a request carrying a refused field off that tier, streamed or not, and says so', async () => {
  const d = deps({ small: { drop: [], reject: ['logit_bias'] } });
  for (const stream of [false, true]) {
    const before = { small: ups.small.bodies.length, medium: ups.medium.bodies.length };
    const r = await handleChat(d, testPrincipal, { ...ask({ extra: { logit_bias: { '50256': -100 } } }), stream });
    if (r.kind === 'stream') for await (const _ of r.stream.events) void _;
    expect(ups.small.bodies.length).toBe(before.small);
    expect(ups.medium.bodies[before.medium]).toMatchObject({ logit_bias: { '50256': -100 } });
    const rec = decisions.at(-1)!;
    expect(rec.finalTier).toBe('t-medium');
    expect((rec.plan as { reasons: string[] }).reasons).toContain('tier t-small cannot serve the request field "logit_bias"; skipped');
  }
  // Without the field the small tier answers as before.
  const r = await handleChat(d, testPrincipal, ask());
  if (r.kind !== 'complete') throw new Error('expected a complete answer');
  expect(r.result.content).toBe('answer from small');
  d.tiers.stop();
});

it('refuses a request no tier can take, naming the field', async () => {
  const none = { drop: [], reject: ['logit_bias'] };
  const d = deps({ small: none, medium: none, large: none });
  const err = await handleChat(d, testPrincipal, ask({ extra: { logit_bias: { '1': 1 } } })).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GatewayError);
  expect(err).toMatchObject({ code: 'unsupported_capability', message: 'no tier can serve the request field "logit_bias"' });
  d.tiers.stop();
});
