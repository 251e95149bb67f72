// The response cache: exact layer, then semantic layer with the hit verifier, over a MemoryIndex
// (read path) and a CacheStore (durable copy + cross-instance sync). Writes go to the store first
// and only then to memory, so a failed write never leaves an entry that exists only here.
import { DomainError } from '../lib/errors';
import { randomUUID } from 'node:crypto';
import { preloadDictionary } from '../embedding/dictionary';
import { preloadWordNet } from '../embedding/wordnet';
import type { Embedder } from '../embedding/types';
import { AnswerMemory } from './answers';
import { readStore } from './load';
import { MemoryIndex } from './memory-index';
import { MAX_PROMPT_CHARS, cleanUnicode, normalizePrompt, promptHash, scopeHash, sha256 } from './normalize';
import type { CacheChange, CacheEntry, CacheStore } from './store';
import type { CacheHit, CacheLookupRequest, CacheStoreRequest, ResponseCache } from './types';
import { earlyRejection, sameContentWords, verifyPair } from './verifier';

export interface CacheOptions {
  store: CacheStore;
  embedder: Embedder;
  /** LRU bound on live entries (memory and store). */
  maxEntries?: number;
  /** Bytes of answer text held in memory (most recently used); a hit on another reads the store. */
  answerMemoryBytes?: number;
  /** Nearest neighbours checked per lookup: the verifier/tier filter may reject the closest. */
  candidates?: number;
  /** Expired rows are deleted this often (0 = never; lookups ignore them either way). */
  purgeEveryMs?: number;
  now?: () => Date;
  /** Run the verifier's first three checks on the prompts' gates before verifyPair (default true; same
   *  decisions and rejection counts either way — false is the reference the tests compare with). */
  earlyChecks?: boolean;
}

export interface CacheStats {
  /** Cross-instance sync: see CacheStore.syncStatus. */
  sync: 'local' | 'notify' | 'unavailable';
  entries: number;
  partitions: number;
  lookups: number;
  exactHits: number;
  semanticHits: number;
  misses: number;
  bypassed: number;
  verifierRejections: Record<string, number>;
  evictedLru: number;
  expired: number;
  syncErrors: number;
  /** Times the table was re-read after the change feed was interrupted. */
  resyncs: number;
  /** Answers held in memory and their estimated bytes; hits whose answer was read from the store. */
  answersHeld: number;
  answerBytes: number;
  answerReads: number;
}

/** Lowest cosine at which a lexically equivalent candidate (same content words up to typos and
 *  synonyms) may still hit; see README "Thresholds". */
export const LEXICAL_FLOOR = 0.4;
/** The same when no word of the prompt is indexed (every word misspelt: the prompts share no term and
 *  their cosine rests on character trigrams). Only then: below 0.4 on the term path, most candidates
 *  of a miss would go through the word comparison for nothing (lookup CPU +40 % at 100k entries). */
export const UNINDEXED_LEXICAL_FLOOR = 0.25;
/** Vectors of the latest lookups kept for the store that follows a miss (the pipeline stores after answering). */
const RECENT_VECTORS = 256;

/** Stored rows with no expiry use this date (the schema's expiresAt is NOT NULL). */
export const NEVER = new Date('9999-12-31T00:00:00Z');

function isZero(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}

export class CacheInputError extends DomainError {
  constructor(message: string) {
    super('bad_request', message);
  }
}

export class SemanticCache implements ResponseCache {
  readonly instanceId = randomUUID();
  private readonly mem: MemoryIndex;
  private readonly answers: AnswerMemory;
  private readonly maxEntries: number;
  private readonly k: number;
  private readonly recentVectors = new Map<string, Float32Array>();
  private readonly now: () => Date;
  private unsubscribe: (() => Promise<void>) | null = null;
  private purgeTimer: NodeJS.Timeout | null = null;
  private readonly s: CacheStats;

  constructor(private readonly opts: CacheOptions) {
    const terms = opts.embedder.terms?.bind(opts.embedder);
    this.mem = new MemoryIndex({ dim: opts.embedder.dim, terms });
    this.answers = new AnswerMemory(opts.answerMemoryBytes);
    this.maxEntries = Math.max(1, Math.floor(opts.maxEntries ?? 100_000));
    this.k = Math.max(1, opts.candidates ?? 8);
    this.now = opts.now ?? (() => new Date());
    this.s = { sync: 'local', entries: 0, partitions: 0, lookups: 0, exactHits: 0, semanticHits: 0, misses: 0, bypassed: 0, verifierRejections: {}, evictedLru: 0, expired: 0, syncErrors: 0, resyncs: 0, answersHeld: 0, answerBytes: 0, answerReads: 0 };
  }

  /** Loads the store into memory (re-embedding rows of another dimension) and starts listening. */
  async start(): Promise<void> {
    preloadDictionary(); // the verifier's word list (~100 ms once), here rather than in the first lookup
    preloadWordNet(); // WordNet synonym/antonym table (~115 ms CPU, ~6 MB heap once), likewise
    this.unsubscribe = await this.opts.store.subscribe(
      (c) => void this.apply(c).catch(() => this.s.syncErrors++),
      () => void this.resync().catch(() => this.s.syncErrors++),
    );
    for (const [scope, n] of await this.opts.store.countLive(this.now())) this.mem.reserve(scope, Math.min(n, this.maxEntries));
    await this.loadStore((r) => this.index(r));
    const every = this.opts.purgeEveryMs ?? 10 * 60_000;
    if (every > 0) {
      this.purgeTimer = setInterval(() => void this.purgeExpired().catch(() => this.s.syncErrors++), every);
      this.purgeTimer.unref();
    }
  }

  async lookup(req: CacheLookupRequest): Promise<CacheHit | null> {
    this.s.lookups++;
    const norm = normalizePrompt(req.prompt ?? '');
    if (norm === '' || norm.length > MAX_PROMPT_CHARS) {
      this.s.bypassed++;
      return null;
    }
    const scope = scopeHash(req.scope);
    const now = this.now();
    const exact = this.mem.findExact(scope, promptHash(norm));
    if (exact && this.live(exact, now) && exact.tierRank >= req.minTierRank) {
      const hit = await this.hit(exact, 'exact', 1, null, now);
      if (hit) {
        this.s.exactHits++;
        return hit;
      }
    }
    // A missing or non-numeric threshold means "exact layer only".
    if (typeof req.threshold !== 'number' || !Number.isFinite(req.threshold)) {
      this.s.misses++;
      return null;
    }
    // Policy thresholds are set on the local embedder's scale; another embedder's cosines may run
    // higher for different questions (use-lite: unsafe below 0.90), so its measured floor wins.
    const threshold = Math.min(1, Math.max(0, req.threshold, this.opts.embedder.minThreshold ?? 0));
    const clean = cleanUnicode(req.prompt);
    const vec = await this.embedOne(clean.trim());
    // A prompt without content words ("🤖🤖", "What is it?") embeds to the zero vector, which the
    // cosine index scores as identical to every other zero vector: exact layer only.
    if (isZero(vec)) {
      this.s.misses++;
      return null;
    }
    // Candidates below the threshold are still considered down to the lexical floor, but only
    // accepted when the verifier finds the same content words on both sides (typos, framing).
    const found = this.mem.searchBy(scope, vec, this.k, this.opts.embedder.terms?.(clean));
    const floor = Math.min(threshold, found.by === 'terms' ? LEXICAL_FLOOR : UNINDEXED_LEXICAL_FLOOR);
    for (const c of found.candidates) {
      if (c.similarity < floor) break;
      if (!this.live(c.entry, now) || c.entry.tierRank < req.minTierRank) continue;
      // Below the threshold only the lexical path can accept: test that on tokens before paying
      // for the full verifier (most candidates of a miss end here).
      if (c.similarity < threshold && !sameContentWords(c.entry.promptNorm, req.prompt)) continue;
      // Length, script and numbers first, from the cheap gates: what verifyPair would reject it for.
      const early = this.opts.earlyChecks === false ? null : earlyRejection(c.entry.promptNorm, req.prompt);
      if (early) {
        this.s.verifierRejections[early] = (this.s.verifierRejections[early] ?? 0) + 1;
        continue;
      }
      const verdict = verifyPair(c.entry.promptNorm, req.prompt, { similarity: c.similarity, swapMinSimilarity: this.opts.embedder.swapMinSimilarity });
      if (verdict.ok && c.similarity < threshold && !verdict.lexicalMatch) continue;
      if (!verdict.ok) {
        const check = verdict.check ?? 'other';
        this.s.verifierRejections[check] = (this.s.verifierRejections[check] ?? 0) + 1;
        continue;
      }
      const hit = await this.hit(c.entry, 'semantic', c.similarity, verdict.reason, now);
      if (!hit) continue;
      this.s.semanticHits++;
      return hit;
    }
    this.s.misses++;
    return null;
  }

  async store(req: CacheStoreRequest): Promise<void> {
    const norm = normalizePrompt(req.prompt ?? '');
    if (norm === '' || norm.length > MAX_PROMPT_CHARS) return; // not cacheable: defined no-op
    if (typeof req.answer !== 'string' || req.answer.trim() === '') throw new CacheInputError('answer must be a non-empty string');
    if (!Number.isInteger(req.tierRank) || req.tierRank < 0) throw new CacheInputError(`tierRank must be a non-negative integer, got ${req.tierRank}`);
    if (!Number.isFinite(req.costUsd) || req.costUsd < 0) throw new CacheInputError(`costUsd must be a finite non-negative number, got ${req.costUsd}`);
    if (!Number.isFinite(req.ttlSeconds)) throw new CacheInputError(`ttlSeconds must be finite, got ${req.ttlSeconds}`);
    const now = this.now();
    const clean = cleanUnicode(req.prompt).trim();
    // A miss is stored right after its lookup: reuse the lookup's vector instead of embedding again.
    const recent = vectorKey(clean);
    const embedding = this.recentVectors.get(recent) ?? (await this.embedOne(clean));
    this.recentVectors.delete(recent);
    const entry: CacheEntry = {
      id: randomUUID(),
      scopeHash: scopeHash(req.scope),
      promptHash: promptHash(norm),
      promptNorm: clean,
      embedding,
      answer: req.answer,
      tierName: req.tierName,
      tierRank: req.tierRank,
      costUsd: req.costUsd,
      hits: 0,
      createdAt: now,
      lastHitAt: null,
      expiresAt: req.ttlSeconds > 0 ? new Date(now.getTime() + req.ttlSeconds * 1000) : null,
      decisionId: req.decisionId || null,
    };
    const stored = await this.opts.store.upsert(entry, { op: 'upsert', id: entry.id, origin: this.instanceId });
    this.index({ ...stored, embedding });
    await this.evictOverflow();
  }

  /** Thumbs-down on a cached answer, or an admin removing one entry. */
  async evict(entryId: string): Promise<void> {
    await this.deleteIds([entryId]);
  }

  async invalidateTier(tierName: string): Promise<number> {
    const ids = await this.opts.store.deleteTier(tierName);
    const local = this.mem.idsWhere((e) => e.tierName === tierName);
    for (const id of new Set([...ids, ...local])) this.forget(id);
    await this.publish({ op: 'delete_tier', tierName, origin: this.instanceId });
    return new Set([...ids, ...local]).size;
  }

  async invalidateAll(): Promise<void> {
    await this.opts.store.deleteAll();
    this.mem.clear();
    this.answers.clear();
    await this.publish({ op: 'clear', origin: this.instanceId });
  }

  /** Deletes expired entries everywhere; lookups already ignore them, this frees the space. */
  async purgeExpired(): Promise<number> {
    const now = this.now();
    const ids = new Set([...(await this.opts.store.deleteExpired(now)), ...this.mem.idsWhere((e) => !this.live(e, now))]);
    for (const id of ids) this.forget(id);
    this.s.expired += ids.size;
    if (ids.size > 0) await this.publish({ op: 'delete', ids: [...ids], origin: this.instanceId });
    return ids.size;
  }

  stats(): CacheStats {
    return { ...this.s, sync: this.opts.store.syncStatus(), verifierRejections: { ...this.s.verifierRejections }, entries: this.mem.size, partitions: this.mem.partitionCount, answersHeld: this.answers.size, answerBytes: this.answers.heldBytes };
  }

  /** The entry as held in memory (admin views, tests): its answer is '', see `answer`. */
  entry(id: string): CacheEntry | undefined {
    return this.mem.get(id);
  }

  async close(): Promise<void> {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.purgeTimer = null;
    await this.unsubscribe?.();
    this.unsubscribe = null;
    await this.opts.store.close();
  }

  /** The store's live rows into memory (load.ts), trimmed to the LRU bound after each page. */
  private loadStore(onRow: (row: CacheEntry) => void): Promise<void> {
    return readStore(this.opts.store, this.opts.embedder, this.now(), onRow, () => this.evictOverflow());
  }

  /**
   * After the change feed was interrupted (a database outage): the table is the truth again. Entries
   * gone from it are dropped, entries other instances stored meanwhile are added.
   */
  private async resync(): Promise<void> {
    const live = new Set<string>();
    await this.loadStore((r) => {
      live.add(r.id);
      if (!this.mem.has(r.id)) this.index(r);
    });
    for (const id of this.mem.idsWhere((e) => !live.has(e.id))) this.forget(id);
    for (const id of this.mem.overflow(this.maxEntries)) this.forget(id);
    this.s.resyncs++;
  }

  /** Applies another instance's change to this instance's memory. */

  private async apply(c: CacheChange): Promise<void> {
    if (c.origin === this.instanceId) return;
    if (c.op === 'upsert') {
      const row = await this.opts.store.get(c.id);
      if (row && row.embedding.length === this.opts.embedder.dim) this.index(row);
      // Trim memory only: the inserting instance already applied the shared LRU bound to the table.
      for (const id of this.mem.overflow(this.maxEntries)) this.forget(id);
    } else if (c.op === 'delete') {
      for (const id of c.ids) this.forget(id);
    } else if (c.op === 'delete_tier') {
      for (const id of this.mem.idsWhere((e) => e.tierName === c.tierName)) this.forget(id);
    } else if (c.op === 'clear') {
      this.mem.clear();
      this.answers.clear();
    }
  }

  private live(e: CacheEntry, now: Date): boolean {
    return !e.expiresAt || e.expiresAt > now;
  }

  /** Adds an entry to the index; its answer, when the row carries one, to the answer memory. */
  private index(e: CacheEntry): void {
    this.mem.add(e);
    if (e.answer !== '') this.answers.set(e.id, e.answer);
  }

  private forget(id: string): void {
    this.mem.remove(id);
    this.answers.delete(id);
  }

  /**
   * The hit, with the answer from memory or else from the store. Null when the store no longer has
   * the entry (deleted by another instance, whose notice has not arrived) or cannot be read now:
   * the lookup goes on as if this candidate had not matched.
   */
  private async hit(e: CacheEntry, kind: 'exact' | 'semantic', similarity: number, verifier: string | null, now: Date): Promise<CacheHit | null> {
    let answer = this.answers.get(e.id);
    if (answer === undefined) {
      this.s.answerReads++;
      let stored: string | null;
      try {
        stored = await this.opts.store.answer(e.id);
      } catch {
        this.s.syncErrors++;
        return null;
      }
      if (stored === null) {
        this.forget(e.id);
        return null;
      }
      answer = stored;
      this.answers.set(e.id, answer);
    }
    this.mem.touch(e.id);
    e.hits += 1;
    e.lastHitAt = now;
    // Hit counters are statistics: a failed write must not turn a hit into an error.
    this.opts.store.recordHit(e.id, now).catch(() => this.s.syncErrors++);
    return { entryId: e.id, kind, similarity, answer, tierName: e.tierName, tierRank: e.tierRank, costSavedUsd: e.costUsd, verifier };
  }

  private async deleteIds(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.opts.store.deleteIds(ids);
    for (const id of ids) this.forget(id);
    await this.publish({ op: 'delete', ids, origin: this.instanceId });
  }

  private async evictOverflow(): Promise<void> {
    const ids = this.mem.overflow(this.maxEntries);
    if (ids.length === 0) return;
    this.s.evictedLru += ids.length;
    await this.deleteIds(ids);
  }

  /** Embeds one prompt, remembering the vector of the last lookups for the store that follows a miss. */
  private async embedOne(text: string): Promise<Float32Array> {
    const key = vectorKey(text);
    const hit = this.recentVectors.get(key);
    if (hit) return hit;
    const [vec] = await this.opts.embedder.embed([text]);
    if (this.recentVectors.size >= RECENT_VECTORS) this.recentVectors.delete(this.recentVectors.keys().next().value as string);
    this.recentVectors.set(key, vec);
    return vec;
  }

  private async publish(c: CacheChange): Promise<void> {
    try {
      await this.opts.store.publish(c);
    } catch {
      this.s.syncErrors++;
    }
  }
}

/**
 * The recent-vector map's key: a prompt of up to 1,000 characters (nearly all) is its own key, a
 * longer one its hash, so 256 prompts of up to 32,000 characters never hold ~16 MB while the usual
 * miss does not pay for two hashes (lookup and store).
 */
function vectorKey(text: string): string {
  return text.length <= 1000 ? `t${text}` : `h${sha256(text)}`;
}
