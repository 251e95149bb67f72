// The in-process Coordinator: one replica, nothing shared. Admission is the gateway's own, this
// process is always the leader, notices go to this process's subscribers only (there is nobody
// else), and the rollups alone keep budgets (no spend counter).
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Admission } from '../tiers/admission';
import { localRateLimiter } from './bucket';
import type { Coordinator, Leadership } from './types';

export function localCoordinator(opts: { maxQueue?: number } = {}): Coordinator {
  const values = new Map<string, { value: unknown; until: number }>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  return {
    kind: 'local',
    replicaId: `local-${randomUUID().slice(0, 8)}`,
    admission: () => new Admission({ maxQueue: opts.maxQueue }),
    rateLimiter: localRateLimiter(),
    leader: (job: string): Leadership => ({
      job,
      isLeader: () => true,
      onChange: (fn) => {
        fn(true);
        return () => undefined;
      },
      release: async () => undefined,
    }),
    bus: {
      // Only other replicas' notices reach subscribers; in one process there are none.
      publish: async () => undefined,
      subscribe: (topic, fn) => {
        events.on(topic, fn);
        return () => events.off(topic, fn);
      },
    },
    shared: {
      async put(key, value, ttlMs) {
        values.set(key, { value, until: Date.now() + ttlMs });
      },
      async getMany(keys) {
        const now = Date.now();
        return keys.map((k) => {
          const v = values.get(k);
          return v && v.until > now ? v.value : null;
        });
      },
      async claim(key, ttlMs) {
        const v = values.get(key);
        if (v && v.until > Date.now()) return false;
        values.set(key, { value: true, until: Date.now() + ttlMs });
        return true;
      },
    },
    spend: null,
    close: async () => {
      events.removeAllListeners();
    },
  };
}
