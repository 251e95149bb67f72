// The current state of user accounts, as every session and API-key check needs it: role, disabled,
// session version, must-change-password. A JWT or a cached key says what was true when it was
// issued; this says what is true now. Reads are one primary-key lookup, cached for a short TTL so a
// burst of requests from one console page costs one query; every change made in this process calls
// forget() so its effect is immediate here, and other processes see it within the TTL.
import type { PrismaClient } from '../db/client';
import type { Role } from '../contracts/principal';
import { asRole } from './roles';

export interface AccountState {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  sessionVersion: number;
  mustChangePassword: boolean;
}

export interface AccountStates {
  /** null when the user does not exist (deleted). */
  get(userId: string): Promise<AccountState | null>;
  /** Drops one user's cached state (or all): call after any change to a user. */
  forget(userId?: string): void;
}

const SELECT = { id: true, email: true, role: true, disabled: true, sessionVersion: true, mustChangePassword: true } as const;

export function accountStates(prisma: PrismaClient, ttlMs = 2_000): AccountStates {
  const cache = new Map<string, { at: number; state: AccountState | null }>();
  const pending = new Map<string, Promise<AccountState | null>>();
  let generation = 0;
  const load = (id: string): Promise<AccountState | null> => {
    const inFlight = pending.get(id);
    if (inFlight) return inFlight;
    const gen = generation;
    const p = prisma.user
      .findUnique({ where: { id }, select: SELECT })
      .then((u) => {
        const state = u ? { ...u, role: asRole(u.role) } : null;
        // A forget() while the query ran (a change) wins over what it read.
        if (gen === generation) {
          if (cache.size > 10_000) cache.clear();
          cache.set(id, { at: Date.now(), state });
        }
        return state;
      })
      .finally(() => {
        if (pending.get(id) === p) pending.delete(id);
      });
    pending.set(id, p);
    return p;
  };
  return {
    async get(id) {
      // Ids are uuids; anything else (a forged or legacy token) cannot name a user and must not reach Postgres' uuid cast.
      if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
      const hit = cache.get(id);
      if (hit && Date.now() - hit.at < ttlMs) return hit.state;
      return load(id);
    },
    forget(id) {
      generation++;
      pending.clear();
      if (id) cache.delete(id);
      else cache.clear();
    },
  };
}
