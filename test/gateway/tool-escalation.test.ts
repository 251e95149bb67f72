// A cheap tier's bad tool call is a bad answer: the request escalates, streamed or not, and the
// client only ever sees the good call. Real loopback simulator tiers (an oracle makes the small one
// call a function that was not offered, or with arguments that break the schema), the production
// tier registry, the real analyzer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer } from '../../server/complexity';
import type { GatewayRequest } from '../../server/contracts/chat';
import type { DecisionRecord } from '../../server/decisions/types';
import type { GatewayDeps } from '../../server/gateway/types';
import { startSimulator, type OracleVerdict, type Simulator } from '../../server/tiers/simulator';
import { handleChat } from '../fixtures/chat';
import { simulatedGateway, testPrincipal } from '../fixtures/simulated-gateway';

let sim: Simulator;
let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
let smallSays: OracleVerdict = {};
const decisions: DecisionRecord[] = [];

const tool = {
  type: 'function' as const,
  function: { name: 'lookup', parameters: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'], additionalProperties: false } },
};

beforeAll(async () => {
  analyzer = await createAnalyzer();
  sim = await startSimulator({ speed: 50, oracle: ({ role }) => (role === 'small' ? smallSays : null) });
});
afterAll(async () => {
  await sim.close();
  await analyzer.close();
});

const deps = (): GatewayDeps => simulatedGateway(sim, analyzer, decisions);
const principal = testPrincipal;
const ask = (extra: Partial<GatewayRequest> = {}): GatewayRequest => ({ model: null, messages: [{ role: 'user', content: 'EASY: look up item 3' }], tools: [tool], tool_choice: 'required', source: 'api', ...extra });
const bad = (args: string, name = 'lookup'): OracleVerdict => ({ toolCalls: [{ id: 'call_bad', type: 'function', function: { name, arguments: args } }] });

describe('tool calls judged like answers', () => {
  it.each([
    ['a function that was not offered', bad('{"id": 3}', 'delete_everything'), /not among the offered tools/],
    ['arguments that are not JSON', bad('{id: 3'), /not valid JSON/],
    ['arguments that break the schema', bad('{"id": "three"}'), /do not match its parameters/],
  ])('escalates past %s', async (_what, verdict, why) => {
    smallSays = verdict;
    const d = deps();
    const r = await handleChat(d, principal, ask());
    if (r.kind !== 'complete') throw new Error('expected a complete answer');
    const call = r.result.extras?.toolCalls?.[0];
    expect(call?.function.name).toBe('lookup');
    expect(JSON.parse(call!.function.arguments).id).toEqual(expect.any(Number));
    expect(r.result.escalated).toBe(true);
    const rec = decisions.at(-1)!;
    expect(rec.attempts[0].outcome).toBe('bad_answer');
    expect(rec.attempts[0].detail).toMatch(why);
    d.tiers.stop();
  });

  it('holds streamed tool calls until they are checked, and streams the good one', async () => {
    smallSays = bad('{"id": 0}');
    const d = deps();
    const r = await handleChat(d, principal, { ...ask(), stream: true });
    if (r.kind !== 'stream') throw new Error('expected a stream');
    expect(r.stream.meta.escalated).toBe(true);
    const events = [];
    for await (const e of r.stream.events) events.push(e);
    const calls = events.filter((e) => e.type === 'tool_calls');
    expect(calls).toHaveLength(1);
    const call = calls[0].type === 'tool_calls' ? calls[0].toolCalls[0] : null;
    expect(JSON.parse(call!.function.arguments).id).toBeGreaterThanOrEqual(1);
    expect(events.at(-1)?.type).toBe('done');
    d.tiers.stop();
  });

  it('accepts a good cheap call without escalating', async () => {
    smallSays = bad('{"id": 3}');
    const r = await handleChat(deps(), principal, ask());
    if (r.kind !== 'complete') throw new Error('expected a complete answer');
    expect(r.result.escalated).toBe(false);
    expect(r.result.extras?.toolCalls?.[0].id).toBe('call_bad');
  });
});
