// A conversation stays on the tier that answered its earlier turns (its prefix cache is warm there),
// and moves up for good once a turn escalates. Real loopback simulator tiers and the production
// registry; the small tier is made to fail one turn by an oracle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../server/complexity';
import type { GatewayRequest } from '../../server/contracts/chat';
import type { DecisionRecord } from '../../server/decisions/types';
import type { RecordedPlan } from '../../server/gateway/record';
import { conversationKey, stickyTiers } from '../../server/gateway/sticky';
import type { GatewayDeps } from '../../server/gateway/types';
import { startSimulator, type OracleVerdict, type Simulator } from '../../server/tiers/simulator';
import type { ChatMessage } from '../../server/tiers/types';
import { handleChat } from '../fixtures/chat';
import { simulatedGateway, testPrincipal } from '../fixtures/simulated-gateway';

let sim: Simulator;
let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
let smallSays: OracleVerdict | null = null;
const decisions: DecisionRecord[] = [];

beforeAll(async () => {
  analyzer = await createAnalyzer();
  sim = await startSimulator({ speed: 50, oracle: ({ role }) => (role === 'small' ? smallSays : null) });
});
afterAll(async () => {
  await sim.close();
  await analyzer.close();
});

const deps = (): GatewayDeps => simulatedGateway(sim, analyzer, decisions, { sticky: stickyTiers() });
const principal = testPrincipal;
const ask = (messages: ChatMessage[], extra: Partial<GatewayRequest> = {}): GatewayRequest => ({ model: null, messages, source: 'api', ...extra });
const answer = async (d: GatewayDeps, messages: ChatMessage[], extra: Partial<GatewayRequest> = {}) => {
  const r = await handleChat(d, principal, ask(messages, extra));
  if (r.kind !== 'complete') throw new Error('expected a complete answer');
  return { result: r.result, plan: decisions.at(-1)!.plan as RecordedPlan };
};

describe('sticky conversations', () => {
  it('keys every turn of a conversation alike, and by the client id when it sends one', () => {
    const turn1: ChatMessage[] = [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'EASY: hi' }];
    const turn2: ChatMessage[] = [...turn1, { role: 'assistant', content: 'hello' }, { role: 'user', content: 'EASY: and?' }];
    expect(conversationKey('t', turn2, null)).toBe(conversationKey('t', turn1, null));
    expect(conversationKey('other', turn2, null)).not.toBe(conversationKey('t', turn1, null));
    expect(conversationKey('t', turn2, 'conv-1')).toBe('c:t:conv-1');
  });

  it('stays on the tier an escalated turn moved to, and records why', async () => {
    const d = deps();
    const first: ChatMessage[] = [{ role: 'user', content: 'EASY: name a colour' }];
    smallSays = { empty: true };
    const t1 = await answer(d, first);
    expect(t1.result.escalated).toBe(true);
    const upTier = t1.result.tier!;
    smallSays = null;
    const t2 = await answer(d, [...first, { role: 'assistant', content: t1.result.content }, { role: 'user', content: 'EASY: another one' }]);
    expect(t2.result.tier).toBe(upTier);
    expect(t2.result.escalated).toBe(false);
    expect(t2.plan.sticky).toEqual({ tier: upTier, applied: true });
    expect(t2.plan.reasons.join('\n')).toMatch(/earlier turns were answered by .* it stays there/);
    // A new conversation starts at the bottom again.
    const fresh = await answer(d, [{ role: 'user', content: 'EASY: name a fruit' }]);
    expect(fresh.result.tier).toBe(d.tiers.list()[0].name);
    d.tiers.stop();
  });

  it('follows the client conversation id across different openings', async () => {
    const d = deps();
    smallSays = { empty: true };
    const t1 = await answer(d, [{ role: 'user', content: 'EASY: one' }], { conversation: 'abc' });
    smallSays = null;
    const t2 = await answer(d, [{ role: 'user', content: 'EASY: rephrased opening' }, { role: 'assistant', content: 'x' }, { role: 'user', content: 'EASY: two' }], { conversation: 'abc' });
    expect(t2.result.tier).toBe(t1.result.tier);
    d.tiers.stop();
  });
});
