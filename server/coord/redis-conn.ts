// One command connection (auto-pipelined: commands issued in the same tick share one write) and one
// subscriber connection per process, with the coordination scripts defined on the first.
import { Redis } from 'ioredis';
import { BUCKET_TAKE, LEASE_KEEP, SEM_ACQUIRE, SEM_LEAVE, SEM_RELEASE, SEM_RENEW, SPEND_ADD } from './lua';

const SCRIPTS = { semAcquire: SEM_ACQUIRE, semRelease: SEM_RELEASE, semLeave: SEM_LEAVE, semRenew: SEM_RENEW, bucketTake: BUCKET_TAKE, leaseKeep: LEASE_KEEP, spendAdd: SPEND_ADD } as const;
export type ScriptName = keyof typeof SCRIPTS;

export interface RedisConn {
  cmd: Redis;
  sub: Redis;
  /** Runs a defined script (EVALSHA, falling back to EVAL once per connection). */
  run(name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown>;
  /** Routes messages of one channel to `fn`; subscribes on first use. */
  on(channel: string, fn: (message: string) => void): () => void;
  close(): Promise<void>;
}

export async function connectRedis(url: string): Promise<RedisConn> {
  // A request must not wait on a dead Redis: commands fail at once while disconnected (the callers
  // degrade: admission on local limits, rate limits pass, budgets from the rollups) and the
  // connection is retried in the background.
  const opts = { enableAutoPipelining: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true, connectTimeout: 3000 };
  const cmd = new Redis(url, { ...opts, connectionName: 'cascade' });
  const sub = new Redis(url, { ...opts, connectionName: 'cascade-sub' });
  cmd.on('error', () => undefined);
  sub.on('error', () => undefined);
  await Promise.all([cmd.connect(), sub.connect()]);
  for (const [name, lua] of Object.entries(SCRIPTS)) cmd.defineCommand(name, { lua });
  const handlers = new Map<string, Set<(m: string) => void>>();
  sub.on('message', (channel: string, message: string) => {
    for (const fn of handlers.get(channel) ?? []) fn(message);
  });
  return {
    cmd,
    sub,
    run(name, keys, args) {
      const f = (cmd as unknown as Record<string, (n: number, ...a: (string | number)[]) => Promise<unknown>>)[name];
      return f.call(cmd, keys.length, ...keys, ...args);
    },
    on(channel, fn) {
      let set = handlers.get(channel);
      if (!set) {
        handlers.set(channel, (set = new Set()));
        void sub.subscribe(channel).catch(() => undefined);
      }
      set.add(fn);
      return () => {
        set.delete(fn);
        if (set.size === 0) {
          handlers.delete(channel);
          void sub.unsubscribe(channel).catch(() => undefined);
        }
      };
    },
    async close() {
      await Promise.allSettled([cmd.quit(), sub.quit()]);
    },
  };
}
