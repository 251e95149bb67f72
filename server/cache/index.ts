// Public entry of the response cache: createCache() wires an embedder, a store and the in-memory
// index, loads the persisted entries and starts cross-instance sync.
import pg from 'pg';
import { LocalEmbedder } from '../embedding/local';
import type { Embedder } from '../embedding/types';
import { SemanticCache } from './cache';
import { PgCacheStore } from './pg-store';
import { MemoryCacheStore, type CacheStore } from './store';

export { SemanticCache, CacheInputError, NEVER, type CacheStats } from './cache';
export { cacheEligibility, scopeFor, maxTokensBucket, type Eligibility, type BypassReason, type CachePolicy } from './eligibility';
export { normalizePrompt, scopeHash, promptHash, MAX_PROMPT_CHARS } from './normalize';
export { verifyPair, type Verdict } from './verifier';
export { MemoryCacheStore, type CacheStore, type CacheEntry, type CacheChange } from './store';
export { PgCacheStore } from './pg-store';
export type * from './types';

/** Cosine threshold tuned for the local embedder on data/cache-pairs (see README). */
export const LOCAL_EMBEDDER_THRESHOLD = 0.75;

export interface CreateCacheOptions {
  /** A pg pool (the cache opens one extra dedicated connection from its config for LISTEN). */
  pool?: pg.Pool;
  /** Or a connection string: the cache owns (and closes) its pool. */
  url?: string;
  /** Or any store; default (no pool, no url) is a process-local MemoryCacheStore. */
  store?: CacheStore;
  embedder?: Embedder;
  maxEntries?: number;
  /** Bytes of answer text held in memory (default 32 MB, answers.ts). */
  answerMemoryBytes?: number;
  candidates?: number;
  purgeEveryMs?: number;
  now?: () => Date;
  earlyChecks?: boolean;
}

export async function createCache(opts: CreateCacheOptions = {}): Promise<SemanticCache> {
  const embedder = opts.embedder ?? new LocalEmbedder();
  let store: CacheStore;
  if (opts.store) store = opts.store;
  else if (opts.pool) store = new PgCacheStore({ pool: opts.pool });
  else if (opts.url) {
    const pool = new pg.Pool({ connectionString: opts.url, max: 4, connectionTimeoutMillis: 2000, query_timeout: 15_000 });
    // An idle connection dying with the database must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    store = new PgCacheStore({ pool, ownsPool: true });
  }
  else store = new MemoryCacheStore();
  const cache = new SemanticCache({ store, embedder, maxEntries: opts.maxEntries, answerMemoryBytes: opts.answerMemoryBytes, candidates: opts.candidates, purgeEveryMs: opts.purgeEveryMs, now: opts.now, earlyChecks: opts.earlyChecks });
  try {
    await cache.start();
  } catch (err) {
    await cache.close().catch(() => undefined);
    throw err;
  }
  return cache;
}
