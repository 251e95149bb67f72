// A leader lease in Redis: SET NX PX takes it, a script renews it only while this process still
// owns it. The holder renews every ttl/3; the others try every ttl/3 too, so when a leader dies
// (no release) another process holds the lease at most ttl + ttl/3 later. A holder that cannot
// renew in time (Redis unreachable, event loop stalled) steps down before its lease can expire.
import type { RedisConn } from './redis-conn';
import type { Leadership } from './types';

export interface LeaderOptions {
  prefix: string;
  owner: string;
  /** Lease length. Default 10 s: takeover within ~13.3 s. */
  ttlMs?: number;
}

export function redisLeadership(conn: RedisConn, job: string, o: LeaderOptions): Leadership & { stop(): void } {
  const ttl = o.ttlMs ?? 10_000;
  const key = `${o.prefix}leader:${job}`;
  const listeners = new Set<(leader: boolean) => void>();
  let leader = false;
  let validUntil = 0;
  let stopped = false;
  let busy = false;

  const set = (v: boolean) => {
    if (v === leader) return;
    leader = v;
    for (const fn of listeners) fn(v);
  };

  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    const started = Date.now();
    try {
      const ok = leader
        ? (await conn.run('leaseKeep', [key], [o.owner, ttl])) === 1
        : (await conn.cmd.set(key, o.owner, 'PX', ttl, 'NX')) === 'OK';
      if (stopped) return;
      if (ok) validUntil = started + ttl;
      set(ok);
    } catch {
      // unreachable Redis: keep the role only while the lease we last saw is certainly still ours
      if (Date.now() > validUntil - ttl / 3) set(false);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), Math.max(20, Math.floor(ttl / 3)));
  timer.unref();
  void tick();

  return {
    job,
    isLeader: () => leader && Date.now() < validUntil,
    onChange(fn) {
      listeners.add(fn);
      if (leader) fn(true);
      return () => listeners.delete(fn);
    },
    async release() {
      stopped = true;
      clearInterval(timer);
      if (leader) await conn.run('leaseKeep', [key], [o.owner, '0']).catch(() => undefined);
      set(false);
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
