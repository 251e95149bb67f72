// Persistence behind the cache. The in-memory index is the read path; the store is the durable copy
// and the channel that keeps several app instances in step. Two implementations: MemoryCacheStore
// (tests, eval, bench, embedded single-process use) and PgCacheStore (Postgres + LISTEN/NOTIFY).

export interface CacheEntry {
  id: string;
  scopeHash: string;
  /** sha256 of normalizePrompt(prompt): the exact-layer key inside a scope. */
  promptHash: string;
  /** The prompt after Unicode cleaning (NFKC, invisibles removed), case kept: the verifier reads it. */
  promptNorm: string;
  embedding: Float32Array;
  /** In the memory index this is '' (the cache holds answers apart, up to a byte budget: answers.ts). */
  answer: string;
  tierName: string;
  tierRank: number;
  costUsd: number;
  hits: number;
  createdAt: Date;
  lastHitAt: Date | null;
  expiresAt: Date | null;
  decisionId: string | null;
}

/** A change made by one instance, broadcast to the others. `origin` lets an instance skip its own. */
export type CacheChange =
  | { op: 'upsert'; id: string; origin: string }
  | { op: 'delete'; ids: string[]; origin: string }
  | { op: 'delete_tier'; tierName: string; origin: string }
  | { op: 'clear'; origin: string };

export interface CacheStore {
  /**
   * Every live entry, oldest lastHit first (so LRU order survives a restart), a page at a time: the
   * caller indexes each page before the next is read, so a start never holds the whole table twice.
   * Without `embeddings` the vectors are not read (the caller recomputes them): empty arrays.
   * Without `answers` the answers are not read (a hit reads its own with `answer`): empty strings.
   */
  loadPages(now: Date, opts: { pageSize: number; embeddings: boolean; answers: boolean }): AsyncIterable<CacheEntry[]>;
  /** Live entries per scope hash: the index sizes its memory before a load. */
  countLive(now: Date): Promise<Map<string, number>>;
  get(id: string): Promise<CacheEntry | null>;
  /** The stored answer of one entry, or null when the entry is gone. */
  answer(id: string): Promise<string | null>;
  /**
   * Insert, or replace the entry with the same (scopeHash, promptHash); returns the stored row.
   * `announce`, when given, is broadcast as part of the same write (one round trip on the hot path).
   */
  upsert(entry: CacheEntry, announce?: CacheChange): Promise<CacheEntry>;
  recordHit(id: string, at: Date): Promise<void>;
  deleteIds(ids: string[]): Promise<void>;
  deleteTier(tierName: string): Promise<string[]>;
  deleteAll(): Promise<void>;
  deleteExpired(now: Date): Promise<string[]>;
  /** Broadcast a change to other instances (no-op for a single-process store). */
  publish(change: CacheChange): Promise<void>;
  /** Receive other instances' changes; resolves once listening. Returns an unsubscribe function.
   *  `onResync`: listening resumed after an interruption, changes may have been missed. */
  subscribe(onChange: (change: CacheChange) => void, onResync?: () => void): Promise<() => Promise<void>>;
  /** 'local': single-process store; 'notify': other instances' changes arrive; 'unavailable':
   *  the database does not deliver cross-session NOTIFY (embedded PGlite): run one instance. */
  syncStatus(): 'local' | 'notify' | 'unavailable';
  close(): Promise<void>;
}

/** Single-process store: keeps copies so callers cannot mutate stored rows by accident. */
export class MemoryCacheStore implements CacheStore {
  private readonly rows = new Map<string, CacheEntry>();
  private readonly byKey = new Map<string, string>();

  async *loadPages(now: Date, opts: { pageSize: number; embeddings: boolean; answers: boolean }): AsyncIterable<CacheEntry[]> {
    const live = [...this.rows.values()]
      .filter((e) => !e.expiresAt || e.expiresAt > now)
      .sort((a, b) => (a.lastHitAt ?? a.createdAt).getTime() - (b.lastHitAt ?? b.createdAt).getTime());
    for (let i = 0; i < live.length; i += opts.pageSize) {
      yield live.slice(i, i + opts.pageSize).map((e) => ({ ...e, embedding: opts.embeddings ? e.embedding : new Float32Array(0), answer: opts.answers ? e.answer : '' }));
    }
  }
  async countLive(now: Date): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const e of this.rows.values()) if (!e.expiresAt || e.expiresAt > now) out.set(e.scopeHash, (out.get(e.scopeHash) ?? 0) + 1);
    return out;
  }
  async get(id: string): Promise<CacheEntry | null> {
    const e = this.rows.get(id);
    return e ? { ...e } : null;
  }
  async answer(id: string): Promise<string | null> {
    return this.rows.get(id)?.answer ?? null;
  }
  // A single process has no one to announce a change to: the `announce` argument is not taken.
  async upsert(entry: CacheEntry): Promise<CacheEntry> {
    const key = `${entry.scopeHash}:${entry.promptHash}`;
    const prior = this.byKey.get(key);
    if (prior) this.rows.delete(prior);
    this.rows.set(entry.id, { ...entry });
    this.byKey.set(key, entry.id);
    return { ...entry };
  }
  async recordHit(id: string, at: Date): Promise<void> {
    const e = this.rows.get(id);
    if (e) {
      e.hits += 1;
      e.lastHitAt = at;
    }
  }
  async deleteIds(ids: string[]): Promise<void> {
    for (const id of ids) {
      const e = this.rows.get(id);
      if (!e) continue;
      this.rows.delete(id);
      const key = `${e.scopeHash}:${e.promptHash}`;
      if (this.byKey.get(key) === id) this.byKey.delete(key);
    }
  }
  async deleteTier(tierName: string): Promise<string[]> {
    const ids = [...this.rows.values()].filter((e) => e.tierName === tierName).map((e) => e.id);
    await this.deleteIds(ids);
    return ids;
  }
  async deleteAll(): Promise<void> {
    this.rows.clear();
    this.byKey.clear();
  }
  async deleteExpired(now: Date): Promise<string[]> {
    const ids = [...this.rows.values()].filter((e) => e.expiresAt && e.expiresAt <= now).map((e) => e.id);
    await this.deleteIds(ids);
    return ids;
  }
  async publish(): Promise<void> {}
  async subscribe(): Promise<() => Promise<void>> {
    return async () => {};
  }
  syncStatus(): 'local' {
    return 'local';
  }
  async close(): Promise<void> {}
}
