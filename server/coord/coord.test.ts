// Rate limits, leader leases, change notices and spend counters: the in-process implementation and
// the Redis one (real Redis on 127.0.0.1:6379, its own key prefix per test) behave the same.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { localRateLimiter } from './bucket';
import { announceChange } from './index';
import { localCoordinator } from './local';
import { redisCoordinator } from './redis';
import { killFixtureChildren, startFixtureChild } from '../../test/fixtures/spawn-child';
import type { Coordinator, RateLimiter } from './types';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const open: Coordinator[] = [];
afterEach(async () => {
  killFixtureChildren();
  await Promise.all(open.splice(0).map((c) => c.close()));
});

async function redisPair(o: { leaderTtlMs?: number } = {}) {
  const prefix = `cascade-test:${randomUUID()}:`;
  const mk = async (id: string) => {
    const c = await redisCoordinator({ url: REDIS, prefix, replicaId: id, leaderTtlMs: o.leaderTtlMs });
    open.push(c);
    return c;
  };
  return { prefix, a: await mk('a'), b: await mk('b') };
}

describe.each([
  ['in-process', async () => { const l = localRateLimiter(); return [l, l] as RateLimiter[]; }],
  ['redis', async () => { const { a, b } = await redisPair(); return [a.rateLimiter, b.rateLimiter]; }],
])('rate limits (%s)', (_name, make) => {
  it('allows requestsPerMinute requests in a burst, shared by replicas, then refuses with the wait until the next', async () => {
    const [x, y] = await make();
    const key = randomUUID();
    const limit = { requestsPerMinute: 6 };
    const verdicts = [];
    for (let i = 0; i < 8; i++) verdicts.push(await (i % 2 ? y : x).take(key, limit, 10));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(6);
    const refused = verdicts.at(-1)!;
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.limit).toBe('requests');
      // one request refills in 10 s at 6 per minute
      expect(refused.retryAfterMs).toBeGreaterThan(8_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(10_000);
    }
  });

  it('debits actual tokens after the answer: a key over its token budget waits', async () => {
    const [x, y] = await make();
    const key = randomUUID();
    const limit = { tokensPerMinute: 1000 };
    expect((await x.take(key, limit, 100)).ok).toBe(true);
    await y.settle(key, limit, 1400); // the answer was long: 1500 tokens in all
    const v = await y.take(key, limit, 50);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.limit).toBe('tokens');
      // 500 tokens below zero plus 50 needed, at 1000 a minute: ~33 s
      expect(v.retryAfterMs).toBeGreaterThan(30_000);
    }
    // a key without limits is never refused
    expect((await x.take(randomUUID(), {}, 1e9)).ok).toBe(true);
  });
});

describe('leader leases (Redis)', () => {
  it('exactly one of two replicas leads; release hands over at once', async () => {
    const { a, b } = await redisPair({ leaderTtlMs: 600 });
    const [la, lb] = [a.leader('tuner'), b.leader('tuner')];
    await until(() => la.isLeader() || lb.isLeader());
    await new Promise((r) => setTimeout(r, 400));
    expect([la.isLeader(), lb.isLeader()].filter(Boolean)).toHaveLength(1);
    const [leader, other] = la.isLeader() ? [la, lb] : [lb, la];
    await leader.release();
    await until(() => other.isLeader());
    expect(leader.isLeader()).toBe(false);
  });

  it('a killed leader (kill -9) is replaced after its lease expires', async () => {
    const prefix = `cascade-test:${randomUUID()}:`;
    const child = await startFixtureChild('test/fixtures/coord-child.ts', [REDIS, prefix, 'lead', 'tuner', '900']);
    const c = await redisCoordinator({ url: REDIS, prefix, replicaId: 'survivor', leaderTtlMs: 900 });
    open.push(c);
    const l = c.leader('tuner');
    await new Promise((r) => setTimeout(r, 1200));
    expect(l.isLeader()).toBe(false); // the child still renews
    child.kill('SIGKILL');
    await until(() => l.isLeader(), 5_000);
  });

  it('in-process: the only process always leads', () => {
    expect(localCoordinator().leader('tuner').isLeader()).toBe(true);
  });
});

describe('change notices and shared state (Redis)', () => {
  it("delivers another replica's notice, not one's own", async () => {
    const { a, b } = await redisPair();
    const seen: string[] = [];
    b.bus.subscribe('policy', () => seen.push('b'));
    a.bus.subscribe('policy', () => seen.push('a'));
    await new Promise((r) => setTimeout(r, 100)); // subscriptions are set up asynchronously
    await a.bus.publish('policy');
    await until(() => seen.length > 0);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual(['b']);
  });

  it('a command line process announces a change to every running replica', async () => {
    const { prefix, a, b } = await redisPair();
    const seen: string[] = [];
    a.bus.subscribe('models', () => seen.push('a'));
    b.bus.subscribe('models', () => seen.push('b'));
    await new Promise((r) => setTimeout(r, 100));
    await announceChange({ redisUrl: REDIS, prefix }, 'models');
    await until(() => seen.length === 2);
    expect(seen.sort()).toEqual(['a', 'b']);
    await announceChange({}, 'models'); // no Redis: nothing to tell, no error
  });

  it('shares values with expiry, and a claim succeeds once', async () => {
    const { a, b } = await redisPair();
    await a.shared.put('load:gpu', { waiting: 3 }, 10_000);
    expect(await b.shared.getMany(['load:gpu', 'load:none'])).toEqual([{ waiting: 3 }, null]);
    const claims = await Promise.all([a.shared.claim('tuner:slot:1', 10_000), b.shared.claim('tuner:slot:1', 10_000)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('spend counters: seeded once, added to by every replica', async () => {
    const { a, b } = await redisPair();
    const key = randomUUID();
    await a.spend!.add(key, '2026-12', 1); // not seeded yet: left to the seed
    expect(await b.spend!.get(key, '2026-12')).toBeNull();
    await a.spend!.seed(key, '2026-12', 10);
    await b.spend!.seed(key, '2026-12', 99); // a later seed does not overwrite
    await Promise.all([a.spend!.add(key, '2026-12', 0.5), b.spend!.add(key, '2026-12', 0.25)]);
    expect(await a.spend!.get(key, '2026-12')).toBeCloseTo(10.75, 9);
  });
});

async function until(f: () => boolean, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!f()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
