// API keys through a database outage. Every answer the database gave about a key (its principal, or
// that it is unknown or revoked) is remembered; while the database is unavailable a key it answered
// for is served from that memory, so known callers keep working and the decisions spool. A key the
// database never answered for cannot be checked: 503 with Retry-After, never a 500 and never a guess.
// A revocation is honoured as soon as this process sees it: revoked() below, called by this process's
// revoke and, for a revocation on another replica, by the notice on the Redis bus (revocations.ts), or
// the database saying so once it is back. Without Redis, a key revoked by another replica during the
// outage is served until the database answers.
import { createHash } from 'node:crypto';
import type { Principal } from '../contracts/principal';
import type { ApiKeyVerifier } from '../contracts/ports';
import { DatabaseUnavailableError, databaseFailure } from '../db/failures';

export interface OutageTolerantVerifier extends ApiKeyVerifier {
  /** A key was revoked in this process: never serve it from memory again. */
  revoked(apiKeyId: string): void;
  stats(): { remembered: number; servedFromMemory: number; refusedUnknown: number };
}

const digest = (raw: string) => createHash('sha256').update(raw).digest('base64url');

export function outageTolerantVerifier(inner: ApiKeyVerifier, opts: { maxKeys?: number; databaseUp?: () => boolean } = {}): OutageTolerantVerifier {
  const maxKeys = opts.maxKeys ?? 50_000;
  // Map order is insertion order: re-inserting on every answer keeps the most recently used keys last.
  const known = new Map<string, Principal | null>();
  let servedFromMemory = 0;
  let refusedUnknown = 0;
  return {
    async verify(raw) {
      const h = digest(raw);
      // Known to be down: do not even ask (a lookup started before the outage may still be hanging).
      if (opts.databaseUp && !opts.databaseUp() && known.has(h)) {
        servedFromMemory++;
        return known.get(h) ?? null;
      }
      try {
        const principal = await inner.verify(raw);
        known.delete(h);
        known.set(h, principal);
        if (known.size > maxKeys) known.delete(known.keys().next().value as string);
        return principal;
      } catch (err) {
        if (databaseFailure(err) !== 'unavailable') throw err;
        if (known.has(h)) {
          servedFromMemory++;
          return known.get(h) ?? null;
        }
        refusedUnknown++;
        throw err instanceof DatabaseUnavailableError ? err : new DatabaseUnavailableError();
      }
    },
    revoked(apiKeyId) {
      for (const [h, p] of known) if (p?.apiKeyId === apiKeyId) known.set(h, null);
    },
    stats: () => ({ remembered: known.size, servedFromMemory, refusedUnknown }),
  };
}
