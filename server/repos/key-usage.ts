// "Last used" of API keys, written cheaply: the hot path only adds the key id to a set; a timer
// writes each used key's time once per interval in one UPDATE. So a key used 10,000 times a second
// costs one row update per interval, and the console's "last used" is at most one interval stale.
import type { PrismaClient } from '../db/client';

export interface KeyUsage {
  /** Called for every accepted key: a Set insert. */
  touch(keyId: string): void;
  /** Writes what has been touched since the last flush (also run by the timer and by close()). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function keyUsage(prisma: PrismaClient, intervalMs = 30_000): KeyUsage {
  let seen = new Map<string, number>();
  const flush = async () => {
    if (seen.size === 0) return;
    const batch = seen;
    seen = new Map();
    const ids = [...batch.keys()];
    const ats = [...batch.values()].map((ms) => new Date(ms).toISOString());
    try {
      // GREATEST: a slower process flushing an older time never moves "last used" backwards.
      await prisma.$executeRaw`UPDATE "ApiKey" k SET "lastUsedAt" = GREATEST(COALESCE(k."lastUsedAt", v.at), v.at)
        FROM unnest(${ids}::text[], ${ats}::timestamptz[]) AS v(id, at) WHERE k."id" = v.id`;
    } catch {
      // Bookkeeping only: a database outage must not fail requests; the next flush tries again.
      for (const [id, d] of batch) if (!seen.has(id)) seen.set(id, d);
    }
  };
  const timer = intervalMs > 0 ? setInterval(() => void flush(), intervalMs) : null;
  timer?.unref();
  return {
    touch(id) {
      seen.set(id, Date.now());
    },
    flush,
    async close() {
      if (timer) clearInterval(timer);
      await flush();
    },
  };
}
