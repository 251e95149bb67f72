// Cross-process coordination: pick the implementation from the environment. With REDIS_URL every
// replica shares tier limits, rate limits, leases, notices and spend; without it, one process
// keeps today's in-process behaviour.
export type { Coordinator, Leadership, Bus, RateLimit, RateLimiter, RateVerdict, SharedState, SpendCounter } from './types';
export { localCoordinator } from './local';
export { redisCoordinator, type RedisCoordinatorOptions } from './redis';
import { localCoordinator } from './local';
import { redisCoordinator } from './redis';
import type { Coordinator } from './types';

export async function createCoordinator(o: { redisUrl?: string; prefix?: string; leaseMs?: number; leaderTtlMs?: number }): Promise<Coordinator> {
  if (!o.redisUrl) return localCoordinator();
  return redisCoordinator({ url: o.redisUrl, prefix: o.prefix, semaphore: o.leaseMs ? { leaseMs: o.leaseMs } : undefined, leaderTtlMs: o.leaderTtlMs });
}
