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

/**
 * Tells every running replica that `topic` changed (a CLI command that wrote to Postgres, e.g. a model
 * promotion), so they reload now instead of at their next periodic refresh. No Redis: nothing to do.
 */
export async function announceChange(o: { redisUrl?: string; prefix?: string }, topic: string): Promise<void> {
  if (!o.redisUrl) return;
  const c = await redisCoordinator({ url: o.redisUrl, prefix: o.prefix, replicaId: `cli-${process.pid}` });
  try {
    await c.bus.publish(topic);
  } finally {
    await c.close();
  }
}
