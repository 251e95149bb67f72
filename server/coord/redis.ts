// The Redis Coordinator: tier semaphores, token buckets, leader leases, change notices (pub/sub),
// shared values and spend counters, all under one key prefix so several Cascade installs (or
// test runs) can share one Redis.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { connectRedis } from './redis-conn';
import { redisLeadership } from './redis-leader';
import { RedisSemaphore, type SemaphoreOptions } from './redis-semaphore';
import { SharedAdmission } from './shared-admission';
import type { Coordinator, Leadership, RateLimit, RateLimiter } from './types';

export interface RedisCoordinatorOptions {
  url: string;
  /** Key prefix (default "cascade:"). */
  prefix?: string;
  replicaId?: string;
  /** Tier slot leases (see RedisSemaphore). */
  semaphore?: Omit<SemaphoreOptions, 'prefix'>;
  /** Leader lease length (default 10 s). */
  leaderTtlMs?: number;
  maxQueue?: number;
}

export async function redisCoordinator(o: RedisCoordinatorOptions): Promise<Coordinator> {
  const conn = await connectRedis(o.url);
  const prefix = o.prefix ?? 'cascade:';
  const replicaId = o.replicaId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`;
  const sem = new RedisSemaphore(conn, { prefix, ...o.semaphore });
  const leaders = new Map<string, ReturnType<typeof redisLeadership>>();
  const busChannel = `${prefix}bus`;

  const bucketKeys = (key: string) => [`${prefix}rl:{${key}}:r`, `${prefix}rl:{${key}}:t`];
  const rateLimiter: RateLimiter = {
    async take(key: string, limit: RateLimit, estTokens: number) {
      const tcap = limit.tokensPerMinute ?? 0;
      const r = (await conn.run('bucketTake', bucketKeys(key), [Date.now(), limit.requestsPerMinute ?? 0, tcap, 1, estTokens, Math.min(estTokens, tcap)])) as [number, number, number];
      return r[0] === 1 ? { ok: true } : { ok: false, retryAfterMs: r[1], limit: r[2] === 1 ? 'requests' : 'tokens' };
    },
    async settle(key: string, limit: RateLimit, deltaTokens: number) {
      const tcap = limit.tokensPerMinute ?? 0;
      if (tcap <= 0 || deltaTokens === 0) return;
      // the token bucket alone, no request cost, admitted whatever its level
      await conn.run('bucketTake', bucketKeys(key), [Date.now(), 0, tcap, 0, deltaTokens, -1e15]);
    },
  };

  return {
    kind: 'redis',
    replicaId,
    admission: () => new SharedAdmission(sem, { maxQueue: o.maxQueue }),
    rateLimiter,
    leader(job: string): Leadership {
      let l = leaders.get(job);
      if (!l) leaders.set(job, (l = redisLeadership(conn, job, { prefix, owner: replicaId, ttlMs: o.leaderTtlMs })));
      return l;
    },
    bus: {
      async publish(topic, data) {
        await conn.cmd.publish(busChannel, JSON.stringify({ topic, from: replicaId, ...(data === undefined ? {} : { data }) }));
      },
      subscribe(topic, fn) {
        return conn.on(busChannel, (raw) => {
          try {
            const m = JSON.parse(raw) as { topic?: unknown; from?: unknown; data?: unknown };
            if (m.topic === topic && m.from !== replicaId) fn(typeof m.data === 'string' ? m.data : undefined);
          } catch {
            // a foreign message on our channel: not for us
          }
        });
      },
    },
    shared: {
      async put(key, value, ttlMs) {
        await conn.cmd.set(`${prefix}kv:${key}`, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)));
      },
      async getMany(keys) {
        if (keys.length === 0) return [];
        const raw = await conn.cmd.mget(...keys.map((k) => `${prefix}kv:${k}`));
        return raw.map((v) => (v === null ? null : (JSON.parse(v) as unknown)));
      },
      async claim(key, ttlMs) {
        return (await conn.cmd.set(`${prefix}claim:${key}`, replicaId, 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK';
      },
    },
    spend: {
      async get(apiKeyId, month) {
        const v = await conn.cmd.get(`${prefix}spend:${month}:${apiKeyId}`);
        return v === null ? null : Number(v);
      },
      async seed(apiKeyId, month, usd) {
        // kept ~2 months: the counter of a finished month is never read again
        await conn.cmd.set(`${prefix}spend:${month}:${apiKeyId}`, String(usd), 'EX', 62 * 86_400, 'NX');
      },
      async add(apiKeyId, month, usd) {
        if (usd > 0) await conn.run('spendAdd', [`${prefix}spend:${month}:${apiKeyId}`], [usd]);
      },
    },
    async close() {
      await Promise.allSettled([...leaders.values()].map((l) => l.release()));
      await sem.close();
      await conn.close();
    },
  };
}
