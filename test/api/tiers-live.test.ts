// tiers.live on a real runtime: a vLLM tier on a loopback fake upstream (real /metrics names) is
// called once through the gateway, then the live view shows our admission facts (limit, latency),
// the scraped vLLM gauges and the breaker; admins only.
import '../../server/runtime/preload-native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { createCaller } from '../../server/api/root';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';
import { principal, testRuntime, uid } from './helpers';

let runtime: Runtime;
let upstream: FakeUpstream;
const name = uid('live');
let tierId: string;

beforeAll(async () => {
  runtime = await testRuntime();
  upstream = await startFakeUpstream({ content: 'Live answer.', model: 'fake', metrics: { running: 3, waiting: 2, kvCacheUsage: 0.42 }, maxModelLen: 4096 });
  ({ id: tierId } = await runtime.stores.tiers.create(
    { name, role: 'small', kind: 'vllm', baseUrl: upstream.baseUrl, model: 'fake', inputPricePerM: 0.1, outputPricePerM: 0.2, maxConcurrency: 3, timeoutMs: 10_000, enabled: true },
    { id: null, label: 'test' },
  ));
  await runtime.tiers.reload();
});

afterAll(async () => {
  // Other test files share the database: leave no enabled tier pointing at a closed port.
  await runtime.stores.tiers.disable(tierId, { id: null, label: 'test' });
  await stopRuntime();
  await upstream.close();
});

const as = (role: 'analyst' | 'admin') => createCaller({ runtime, principal: principal(role) });

describe('tiers.live', () => {
  it('shows admission, latency and scraped vLLM load of a tier', async () => {
    await as('admin').route.query({ prompt: 'Say hello.', model: name });
    await expect
      .poll(async () => (await as('admin').tiers.live()).tiers.find((t) => t.name === name)?.upstream?.running, { timeout: 30_000, interval: 200 })
      .toBe(3);
    const live = (await as('admin').tiers.live()).tiers.find((t) => t.name === name)!;
    expect(live).toMatchObject({ kind: 'vllm', enabled: true, breaker: 'closed', inFlight: 0, queued: 0, maxConcurrency: 3, health: 'busy', reason: '2 waiting' });
    expect(live.upstream).toMatchObject({ running: 3, waiting: 2, kvCacheUsage: 0.42, error: null, maxModelLen: 4096 });
    expect(live.p50LatencyMs).not.toBeNull();
  });

  it('lists the tiers cheapest first, like the configuration table', async () => {
    const prices = (await as('admin').tiers.live()).tiers.map((t) => runtime.tiers.list().find((c) => c.name === t.name)!.inputPricePerM);
    expect(prices.length).toBeGreaterThan(1);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
  });

  it('is for admins only', async () => {
    const err = await as('analyst').tiers.live().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('FORBIDDEN');
  });
});
