// The in-memory read path: entries in LRU order, an exact map keyed by (scope, prompt hash) and
// one usearch HNSW index (cosine) per scope partition, so a semantic search only ever sees
// entries of the caller's tenant / system prompt / params. Pure data structure: no I/O.
//
// For embedders whose vectors are hashes of words (the local one: `terms` given), each partition
// also keeps an inverted index term -> entries. A search then scores exactly, by cosine, the
// entries sharing the most terms with the query, and only falls back to HNSW when no query term
// is indexed (a one-word prompt with a typo). Measured on those sparse hashed vectors HNSW finds
// the true nearest entry for only ~75 % of queries at 100k entries and costs more than this.
import { Index, MetricKind, ScalarKind } from 'usearch';
import type { CacheEntry } from './store';

export interface Candidate {
  entry: CacheEntry;
  similarity: number;
}

interface Partition {
  index: Index;
  keyToId: Map<number, string>;
  postings: Map<string, Set<number>>;
}

interface Slot {
  entry: CacheEntry;
  /** Number keys (not bigint) in the maps: hashing bigints made the term walk several times slower. */
  key: number;
  terms: string[];
}

/** Entries scored exactly per term-index search (by shared-term count first). Postings longer than
 *  RARE_POSTINGS (very common terms) are only walked when the prompt has no rarer indexed term, and
 *  then at most POSTINGS_BUDGET of them: a paraphrase shares the rare terms, and a common term's
 *  list is what makes a lookup slow. */
const TERM_CANDIDATES = 16;
const RARE_POSTINGS = 2_000;
const POSTINGS_BUDGET = 20_000;

export interface MemoryIndexOptions {
  dim: number;
  /** HNSW graph degree and search breadth: higher is more exact and slower. */
  connectivity?: number;
  expansionAdd?: number;
  expansionSearch?: number;
  /** Vector storage in the HNSW index. f16 by default: measured at 100k local-embedder vectors, the
   *  same top-1 recall as f32 (0.747 vs 0.728, within noise), ~25 % less search CPU, half the
   *  vector memory, similarities within 2e-4 of the exact cosine on the pair set (i8: same recall, coarser similarities). */
  quantization?: ScalarKind;
  /** The terms a vector is made of (LocalEmbedder.terms): enables the exact term index. */
  terms?: (text: string) => string[];
}

export class MemoryIndex {
  /** Map iteration order is insertion order: re-inserting on use makes the first key the LRU one. */
  private readonly entries = new Map<string, Slot>();
  private readonly exact = new Map<string, string>();
  private readonly partitions = new Map<string, Partition>();
  private nextKey = 1;

  constructor(private readonly opts: MemoryIndexOptions) {}

  get size(): number {
    return this.entries.size;
  }

  get partitionCount(): number {
    return this.partitions.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): CacheEntry | undefined {
    return this.entries.get(id)?.entry;
  }

  /** Adds (or replaces by id and by exact key) an entry as the most recently used. */
  add(entry: CacheEntry): void {
    if (entry.embedding.length !== this.opts.dim) throw new RangeError(`embedding has ${entry.embedding.length} dimensions, index expects ${this.opts.dim}`);
    this.remove(entry.id);
    const prior = this.exact.get(exactKey(entry.scopeHash, entry.promptHash));
    if (prior) this.remove(prior);
    const key = this.nextKey++;
    const terms = this.opts.terms ? [...new Set(this.opts.terms(entry.promptNorm))] : [];
    this.entries.set(entry.id, { entry, key, terms });
    this.exact.set(exactKey(entry.scopeHash, entry.promptHash), entry.id);
    const p = this.partition(entry.scopeHash);
    p.index.add(BigInt(key), entry.embedding, 1);
    p.keyToId.set(key, entry.id);
    for (const t of terms) {
      let set = p.postings.get(t);
      if (!set) p.postings.set(t, (set = new Set()));
      set.add(key);
    }
  }

  remove(id: string): boolean {
    const slot = this.entries.get(id);
    if (!slot) return false;
    this.entries.delete(id);
    const ek = exactKey(slot.entry.scopeHash, slot.entry.promptHash);
    if (this.exact.get(ek) === id) this.exact.delete(ek);
    const p = this.partitions.get(slot.entry.scopeHash);
    if (p) {
      p.index.remove(BigInt(slot.key));
      p.keyToId.delete(slot.key);
      for (const t of slot.terms) {
        const set = p.postings.get(t);
        set?.delete(slot.key);
        if (set?.size === 0) p.postings.delete(t);
      }
      // Drop empty partitions so a churn of one-off tenants does not leak native indexes.
      if (p.keyToId.size === 0) this.partitions.delete(slot.entry.scopeHash);
    }
    return true;
  }

  /** Marks an entry most recently used. */
  touch(id: string): void {
    const slot = this.entries.get(id);
    if (!slot) return;
    this.entries.delete(id);
    this.entries.set(id, slot);
  }

  findExact(scopeHash: string, promptHash: string): CacheEntry | undefined {
    const id = this.exact.get(exactKey(scopeHash, promptHash));
    return id ? this.entries.get(id)?.entry : undefined;
  }

  /** Up to k nearest entries of one scope, most similar first (similarity = cosine). With a term
   *  index and `queryTerms`, the candidates are the entries sharing most terms, scored exactly. */
  search(scopeHash: string, vector: Float32Array, k: number, queryTerms?: string[]): Candidate[] {
    const p = this.partitions.get(scopeHash);
    if (!p || p.keyToId.size === 0) return [];
    if (queryTerms && queryTerms.length > 0 && this.opts.terms) {
      const found = this.termSearch(p, vector, k, queryTerms);
      if (found) return found;
    }
    const n = Math.min(k, p.keyToId.size);
    const m = p.index.search(vector, n, 1);
    const out: Candidate[] = [];
    for (let i = 0; i < m.keys.length; i++) {
      const id = p.keyToId.get(Number(m.keys[i]));
      const slot = id ? this.entries.get(id) : undefined;
      const d = m.distances[i];
      if (!slot || !Number.isFinite(d)) continue;
      out.push({ entry: slot.entry, similarity: Math.max(-1, Math.min(1, 1 - d)) });
    }
    return out;
  }

  /** null when no query term is indexed (the caller then asks HNSW). */
  private termSearch(p: Partition, vector: Float32Array, k: number, queryTerms: string[]): Candidate[] | null {
    const lists: Array<Set<number>> = [];
    for (const t of new Set(queryTerms)) {
      const set = p.postings.get(t);
      if (set) lists.push(set);
    }
    if (lists.length === 0) return null;
    // Rarest terms first: they say most about the question and have the shortest lists.
    lists.sort((a, b) => a.size - b.size);
    const counts = new Map<number, number>();
    let walked = 0;
    for (const set of lists) {
      if (walked > 0 && set.size > RARE_POSTINGS) break;
      for (const key of set) {
        counts.set(key, (counts.get(key) ?? 0) + 1);
        if (++walked >= POSTINGS_BUDGET) break;
      }
    }
    // The TERM_CANDIDATES entries with the most shared terms (bucketed by count: no big sort).
    const buckets: number[][] = Array.from({ length: lists.length + 1 }, () => []);
    for (const [key, c] of counts) buckets[c].push(key);
    const out: Candidate[] = [];
    for (let c = lists.length; c >= 1 && out.length < TERM_CANDIDATES; c--) {
      for (const key of buckets[c]) {
        if (out.length >= TERM_CANDIDATES) break;
        const id = p.keyToId.get(key);
        const slot = id ? this.entries.get(id) : undefined;
        if (slot) out.push({ entry: slot.entry, similarity: dot(vector, slot.entry.embedding) });
      }
    }
    out.sort((a, b) => b.similarity - a.similarity);
    return out.slice(0, k);
  }

  /** Ids of the least recently used entries beyond `max`. */
  overflow(max: number): string[] {
    const extra = this.entries.size - max;
    if (extra <= 0) return [];
    const ids: string[] = [];
    for (const id of this.entries.keys()) {
      if (ids.length >= extra) break;
      ids.push(id);
    }
    return ids;
  }

  idsWhere(pred: (e: CacheEntry) => boolean): string[] {
    const ids: string[] = [];
    for (const [id, slot] of this.entries) if (pred(slot.entry)) ids.push(id);
    return ids;
  }

  clear(): void {
    this.entries.clear();
    this.exact.clear();
    this.partitions.clear();
  }

  private partition(scopeHash: string): Partition {
    let p = this.partitions.get(scopeHash);
    if (!p) {
      const index = new Index({
        dimensions: this.opts.dim,
        metric: MetricKind.Cos,
        quantization: this.opts.quantization ?? ScalarKind.F16,
        connectivity: this.opts.connectivity ?? 16,
        expansion_add: this.opts.expansionAdd ?? 32,
        expansion_search: this.opts.expansionSearch ?? 32,
        multi: false,
      });
      p = { index, keyToId: new Map(), postings: new Map() };
      this.partitions.set(scopeHash, p);
    }
    return p;
  }
}

/** Cosine of two unit vectors, clamped like the HNSW path. */
function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return Math.max(-1, Math.min(1, s));
}

function exactKey(scopeHash: string, promptHash: string): string {
  return `${scopeHash}:${promptHash}`;
}
