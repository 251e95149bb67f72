// The Redis tier semaphore against the real Redis on 127.0.0.1:6379: two coordinators stand for two
// replicas. Each test uses its own key prefix.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { killFixtureChildren, startFixtureChild } from '../../test/fixtures/spawn-child';
import { QueueFullError } from '../tiers/admission';
import { redisCoordinator } from './redis';
import type { Coordinator } from './types';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const open: Coordinator[] = [];
afterEach(async () => {
  killFixtureChildren();
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function replicas(n: number, o: { leaseMs?: number; maxQueue?: number } = {}) {
  const prefix = `cascade-test:${randomUUID()}:`;
  const out: Coordinator[] = [];
  for (let i = 0; i < n; i++) {
    const c = await redisCoordinator({ url: REDIS, prefix, replicaId: `r${i}`, semaphore: { leaseMs: o.leaseMs, pollMs: 50 }, maxQueue: o.maxQueue });
    open.push(c);
    out.push(c);
  }
  return out;
}

const tier = { name: 'gpu', maxConcurrency: 3 };
const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

describe('tier admission across replicas (Redis)', () => {
  it('never grants more than the tier limit across two replicas, and serves every caller', async () => {
    const [a, b] = await replicas(2);
    const adm = [a.admission(), b.admission()];
    adm.forEach((x) => x.configure(tier));
    let inFlight = 0;
    let max = 0;
    const call = async (i: number) => {
      const p = await adm[i % 2].acquire('gpu', 'standard');
      max = Math.max(max, ++inFlight);
      await tick(5 + (i % 4) * 5);
      inFlight--;
      p.release();
    };
    await Promise.all(Array.from({ length: 40 }, (_, i) => call(i)));
    expect(max).toBe(3);
    expect(adm[0].peek('gpu')!.maxConcurrency).toBe(3);
  });

  it('serves the more urgent waiter first, whichever replica it waits on', async () => {
    const [a, b] = await replicas(2);
    const [x, y] = [a.admission(), b.admission()];
    x.configure({ name: 'gpu', maxConcurrency: 1 });
    y.configure({ name: 'gpu', maxConcurrency: 1 });
    const holder = await x.acquire('gpu', 'standard');
    const order: string[] = [];
    const batch = x.acquire('gpu', 'batch').then((p) => (order.push('batch'), p));
    await tick(30);
    const urgent = y.acquire('gpu', 'interactive').then((p) => (order.push('interactive'), p));
    await tick(30);
    holder.release();
    (await urgent).release();
    (await batch).release();
    expect(order).toEqual(['interactive', 'batch']);
  });

  it('answers QueueFullError when the shared queue is full, and a more urgent request evicts the least urgent waiter', async () => {
    const [a, b] = await replicas(2, { maxQueue: 1 });
    const [x, y] = [a.admission(), b.admission()];
    x.configure({ name: 'gpu', maxConcurrency: 1 });
    y.configure({ name: 'gpu', maxConcurrency: 1 });
    const holder = await x.acquire('gpu');
    const queued = x.acquire('gpu', 'batch');
    await tick(30);
    await expect(y.acquire('gpu', 'batch')).rejects.toBeInstanceOf(QueueFullError);
    const urgent = y.acquire('gpu', 'interactive');
    await expect(queued).rejects.toThrow(/evicted/);
    holder.release();
    (await urgent).release();
  });

  it('frees the slots of a replica that died (its leases are not renewed) after the lease', async () => {
    const prefix = `cascade-test:${randomUUID()}:`;
    const child = await startFixtureChild('test/fixtures/coord-child.ts', [REDIS, prefix, 'hold', 'gpu', '2', '400']);
    const b = await redisCoordinator({ url: REDIS, prefix, replicaId: 'survivor', semaphore: { pollMs: 50 } });
    open.push(b);
    const live = b.admission();
    live.configure({ name: 'gpu', maxConcurrency: 2 });
    // while the holder lives (and renews), nothing is free
    const ctl = new AbortController();
    const early = live.acquire('gpu', 'standard', ctl.signal);
    await tick(800);
    expect(live.peek('gpu')!.inFlight).toBe(2);
    ctl.abort();
    await expect(early).rejects.toThrow(/cancelled/);
    child.kill('SIGKILL');
    const p = await live.acquire('gpu');
    expect(live.peek('gpu')!.inFlight).toBe(1);
    p.release();
  });

  it('a slot held much longer than the lease (a long stream) stays held: renewals keep it', async () => {
    const [a, b] = await replicas(2, { leaseMs: 200 });
    const x = a.admission();
    const y = b.admission();
    x.configure({ name: 'gpu', maxConcurrency: 1 });
    y.configure({ name: 'gpu', maxConcurrency: 1 });
    const long = await x.acquire('gpu');
    await tick(1_500); // 7 leases, more than the keys' own TTL (4 leases) too
    const ctl = new AbortController();
    let granted = false;
    const other = y.acquire('gpu', 'standard', ctl.signal).then((p) => ((granted = true), p));
    await tick(300);
    expect(granted).toBe(false);
    long.release();
    (await other).release();
  });

  it('a cancelled waiter leaves the queue', async () => {
    const [a] = await replicas(1);
    const x = a.admission();
    x.configure({ name: 'gpu', maxConcurrency: 1 });
    const holder = await x.acquire('gpu');
    const ctl = new AbortController();
    const waiting = x.acquire('gpu', 'standard', ctl.signal);
    await tick(30);
    expect(x.peek('gpu')!.queued).toBe(1);
    ctl.abort();
    await expect(waiting).rejects.toThrow(/cancelled/);
    holder.release();
    const next = await x.acquire('gpu');
    expect(x.peek('gpu')!.queued).toBe(0);
    next.release();
  });
});
