// The contracts of cross-process coordination. Two implementations: in-process (one replica, no
// extra service: local.ts) and Redis (many replicas: redis.ts). Callers see these interfaces only.
import type { Admission } from '../tiers/admission';

/** A per-key rate limit (from the policy): either dimension may be absent. */
export interface RateLimit {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export type RateVerdict = { ok: true } | { ok: false; retryAfterMs: number; limit: 'requests' | 'tokens' };

export interface RateLimiter {
  /**
   * Takes one request and `estTokens` tokens from the key's buckets, or refuses with the time until
   * both would allow it. A token bucket may go negative after settle(): the key then waits.
   */
  take(key: string, limit: RateLimit, estTokens: number): Promise<RateVerdict>;
  /** Corrects the token bucket by `deltaTokens` (actual − estimated) once the answer is known. */
  settle(key: string, limit: RateLimit, deltaTokens: number): Promise<void>;
}

/** Who runs singleton work (tuner, vLLM scraping): exactly one holder at a time, taken over on expiry. */
export interface Leadership {
  readonly job: string;
  isLeader(): boolean;
  /** Called with true when this process becomes leader, false when it loses or gives up the lease. */
  onChange(fn: (leader: boolean) => void): () => void;
  /** Gives the lease up (shutdown), so another process takes over at once instead of after expiry. */
  release(): Promise<void>;
}

/** Change notices between replicas (policy, tiers, revoked keys): receivers reload from Postgres or,
 *  with `data` (an id), apply that one change. */
export interface Bus {
  publish(topic: string, data?: string): Promise<void>;
  /** `fn` runs for other replicas' notices only (the sender has already reloaded). */
  subscribe(topic: string, fn: (data?: string) => void): () => void;
}

/** Small values every replica reads (scraped tier state), with an expiry. */
export interface SharedState {
  put(key: string, value: unknown, ttlMs: number): Promise<void>;
  getMany(keys: string[]): Promise<(unknown | null)[]>;
  /** Claims `key` once for `ttlMs` (true for the first caller across replicas). */
  claim(key: string, ttlMs: number): Promise<boolean>;
}

/** Month-to-date spend per key shared by all replicas (null when one process holds it: the rollups suffice). */
export interface SpendCounter {
  /** The key's spend this month, or null when the counter has not been seeded yet. */
  get(apiKeyId: string, month: string): Promise<number | null>;
  /** Seeds the counter once (from the rollups); a counter already there is kept. */
  seed(apiKeyId: string, month: string, usd: number): Promise<void>;
  /** Adds to a seeded counter (a missing one is left for the next seed, which includes this spend). */
  add(apiKeyId: string, month: string, usd: number): Promise<void>;
}

export interface Coordinator {
  readonly kind: 'local' | 'redis';
  /** This process's name in leases and messages. */
  readonly replicaId: string;
  /** The tier admission the gateway uses: in-process, or limits that hold across replicas. */
  admission(): Admission;
  rateLimiter: RateLimiter;
  leader(job: string): Leadership;
  bus: Bus;
  shared: SharedState;
  spend: SpendCounter | null;
  /** Releases leases and permits, closes connections. */
  close(): Promise<void>;
}
