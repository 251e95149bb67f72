// Admission: concurrency limit, priority order, bounded queue, cancellation, statistics.
import { describe, expect, it } from 'vitest';
import { Admission, QueueFullError, type Permit } from './admission';
import { TierError } from './errors';

const tier = { name: 'gpu', maxConcurrency: 2 };

describe('Admission', () => {
  it('admits up to maxConcurrency and queues the rest', async () => {
    const a = new Admission();
    const p1 = await a.acquire(tier);
    const p2 = await a.acquire(tier);
    let third: Permit | null = null;
    const pending = a.acquire(tier).then((p) => (third = p));
    await Promise.resolve();
    expect(third).toBeNull();
    expect(a.state('gpu')).toMatchObject({ inFlight: 2, queued: 1 });
    p1.release();
    await pending;
    expect(third).not.toBeNull();
    expect(a.state('gpu')).toMatchObject({ inFlight: 2, queued: 0 });
    p2.release();
    p2.release(); // idempotent
    third!.release();
    expect(a.state('gpu')).toMatchObject({ inFlight: 0, queued: 0 });
    expect(a.state('gpu')!.p50LatencyMs).not.toBeNull();
  });

  it('serves interactive before standard before research, FIFO within a class', async () => {
    const a = new Admission();
    a.configure({ name: 'gpu', maxConcurrency: 1 });
    const first = await a.acquire('gpu', 'standard');
    const order: string[] = [];
    const wait = (label: string, prio: Parameters<Admission['acquire']>[1]) =>
      a.acquire('gpu', prio).then((p) => {
        order.push(label);
        p.release();
      });
    const all = [wait('research-1', 'research'), wait('batch', 'batch'), wait('standard', 'standard'), wait('research-2', 'research'), wait('interactive', 'interactive')];
    first.release();
    await Promise.all(all);
    expect(order).toEqual(['interactive', 'standard', 'research-1', 'research-2', 'batch']);
  });

  it('rejects with QueueFullError and a Retry-After when the queue is full', async () => {
    const a = new Admission();
    a.configure({ name: 'gpu', maxConcurrency: 1 }, 2);
    const held = await a.acquire('gpu');
    const q1 = a.acquire('gpu', 'research');
    const q2 = a.acquire('gpu', 'research');
    const err = await a.acquire('gpu', 'research').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueFullError);
    expect((err as QueueFullError).retryAfterMs).toBeGreaterThan(0);
    expect((err as QueueFullError).kind).toBe('queue_full');
    // a more urgent request evicts the least urgent waiter instead of being refused
    const urgent = a.acquire('gpu', 'interactive');
    const evicted = await q2.catch((e: unknown) => e);
    expect(evicted).toBeInstanceOf(QueueFullError);
    expect(a.state('gpu')).toMatchObject({ queued: 2, rejected: 2 });
    held.release();
    (await urgent).release();
    (await q1).release();
  });

  it('a cancelled waiter leaves the queue; measures queue time', async () => {
    const a = new Admission();
    a.configure({ name: 'gpu', maxConcurrency: 1 });
    const held = await a.acquire('gpu');
    const ac = new AbortController();
    const cancelled = a.acquire('gpu', 'standard', ac.signal);
    const next = a.acquire('gpu');
    ac.abort();
    const e = await cancelled.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TierError);
    expect((e as TierError).kind).toBe('cancelled');
    expect(a.state('gpu')!.queued).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    held.release();
    const p = await next;
    expect(p.queueMs).toBeGreaterThan(0);
    p.release();
  });

  it('rejects bad configuration and unknown tiers with clear errors', async () => {
    const a = new Admission();
    expect(() => a.configure({ name: 'x', maxConcurrency: 0 })).toThrow(/maxConcurrency/);
    expect(() => a.configure({ name: 'x', maxConcurrency: 2 }, -1)).toThrow(/maxQueue/);
    await expect(a.acquire('nope')).rejects.toThrow(/unknown tier/);
    a.configure({ name: 'x', maxConcurrency: 1 });
    await expect(a.acquire('x', 'urgent' as never)).rejects.toThrow(/unknown priority/);
  });

  it('raising the limit admits waiters at once', async () => {
    const a = new Admission();
    a.configure({ name: 'gpu', maxConcurrency: 1 });
    const held = await a.acquire('gpu');
    const waiting = a.acquire('gpu');
    a.configure({ name: 'gpu', maxConcurrency: 2 });
    const p = await waiting;
    expect(a.state('gpu')).toMatchObject({ inFlight: 2, queued: 0 });
    p.release();
    held.release();
  });
});
