// Escalation through the real resilience layer: TierClient retries and breaker, Admission queue.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type BehaviourSpec, type FakeUpstream } from '../fixtures/upstream';
import { createTierRegistry } from '../../server/tiers/registry';
import { decide } from '../../server/routing/decide';
import { executeChat } from '../../server/routing/executor';
import { defaultPolicy } from '../../server/routing/policy';
import { Admission } from '../../server/tiers/admission';
import type { Assessment } from '../../server/complexity/types';
import type { TierConfig } from '../../server/tiers/types';
import { tierConfig } from '../routing/invoker';

const open: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((u) => u.close()));
});

async function registry(small: BehaviourSpec, over: Partial<TierConfig> = {}, admission?: Admission) {
  const s = await startFakeUpstream(small);
  const m = await startFakeUpstream({ content: 'Medium answer.' });
  open.push(s, m);
  const tiers = [tierConfig('small', s.baseUrl, over), tierConfig('medium', m.baseUrl), tierConfig('large', m.baseUrl)];
  const byName = new Map(tiers.map((t) => [t.name, t]));
  const reg = createTierRegistry({
    directory: { list: () => tiers, byName: (n) => byName.get(n) },
    admission,
    client: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 5, breakerThreshold: 2, halfOpenAfterMs: 60_000 },
  });
  return { s, m, reg };
}
const validators = defaultPolicy().validators;
const req = { messages: [{ role: 'user' as const, content: 'hello' }] };
const simple: Assessment = {
  band: 'simple', score: 0.1, probs: { simple: 1, moderate: 0, complex: 0, research: 0 }, modelVersion: 't',
  signals: { keywords: [], lengthBucket: 'tiny', tokens: 1, sentences: 1, questions: 0, numberedParts: 0, hasCode: false, hasMath: false, multiPart: false, language: 'en', contextShare: 0, topFeatures: [], truncated: false },
};

describe('resilient tier registry', () => {
  it('retries a 429 once, then escalates as rate_limited', async () => {
    const { s, reg } = await registry({ status: 429, retryAfter: 0 });
    const r = await executeChat(reg, { chain: ['small', 'medium'], request: req, validators });
    expect(r.attempts.map((a) => a.outcome)).toEqual(['rate_limited', 'ok']);
    expect(s.requests).toBe(2);
  });

  it('opens the breaker after repeated faults; decide() then spills past the tier', async () => {
    const { s, reg } = await registry({ status: 500 });
    for (let i = 0; i < 2; i++) await executeChat(reg, { chain: ['small', 'medium'], request: req, validators });
    const calls = s.requests;
    expect(reg.states()).toMatchObject({ small: { breaker: 'open' } });
    const r = await executeChat(reg, { chain: ['small', 'medium'], request: req, validators });
    expect(r.attempts[0].outcome).toBe('circuit_open');
    expect(s.requests).toBe(calls);
    expect(decide(simple, defaultPolicy(), reg.states(), { prompt: 'hello' }).chain).toEqual(['medium', 'large', 'small']);
  });

  it('escalates when the tier queue is full, and records queue time when admitted', async () => {
    const admission = new Admission({ maxQueue: 0 });
    const { reg } = await registry({ content: 'slow small', latencyMs: 300 }, { maxConcurrency: 1 }, admission);
    const first = executeChat(reg, { chain: ['small'], request: req, validators });
    await new Promise((r) => setImmediate(r));
    const second = await executeChat(reg, { chain: ['small', 'medium'], request: req, validators });
    expect(second.attempts.map((a) => a.outcome)).toEqual(['queue_full', 'ok']);
    const one = await first;
    expect(one.attempts[0]).toMatchObject({ outcome: 'ok', queueMs: expect.any(Number) });
    expect(admission.state('small')).toMatchObject({ inFlight: 0, rejected: 1 });
  });

  it('releases the admission slot when a stream ends or is abandoned', async () => {
    const { reg } = await registry({ content: 'one two three four five', tokenDelayMs: 1 });
    for await (const c of reg.chatStream('small', { ...req, stream: true })) if (c.delta) break;
    expect(reg.admission.state('small')?.inFlight).toBe(0);
  });
});
