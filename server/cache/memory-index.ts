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
import { cosineF16, dot, dotF16, toF16 } from './f16';
import { POSTINGS_BUDGET, RARE_POSTINGS, sharedTermsFast, sharedTermsWalk, type TermWalkStats } from './term-walk';
import type { CacheEntry } from './store';

export interface Candidate {
  entry: CacheEntry;
  similarity: number;
}

interface Partition {
  /** The partition's scope hash: every entry of the partition shares this one string. */
  scopeHash: string;
  index: Index;
  keyToId: Map<number, string>;
  /** Prompt hash -> entry id (the exact layer, within the scope). */
  exact: Map<string, string>;
  /** Term -> entry keys; a term only one entry has (most of them: numbers, names) is held as that key
   *  alone, without a Set of its own. */
  postings: Map<string, number | Set<number>>;
  /** The entries' vectors in half precision, `dim` values per row, for the term search's exact scores. */
  vectors: Uint16Array;
  /** Rows of `vectors` freed by removals, reused before the slab grows. */
  freeRows: number[];
  rows: number;
}

// Per-entry memory is what bounds a process at 100k entries: a slot keeps no copy of its terms (they
// are recomputed from the prompt when it is removed), the exact map reuses the entry's own hash
// string as its key instead of a concatenated one, and the vector lives in its partition's
// half-precision slab (512 bytes at 256 dimensions) instead of a float32 array object per entry.
interface Slot {
  entry: CacheEntry;
  /** Number keys (not bigint) in the maps: hashing bigints made the term walk several times slower. */
  key: number;
  /** The entry's row in its partition's vector slab. */
  row: number;
}


export interface MemoryIndexOptions {
  dim: number;
  /** HNSW graph degree and search breadth: higher is more exact and slower. */
  connectivity?: number;
  expansionAdd?: number;
  expansionSearch?: number;
  /** Vector storage in the HNSW index (candidate selection only: similarities come from the slab).
   *  Measured at 100k local-embedder vectors: f16 the same top-1 recall as f32 (0.747 vs 0.728,
   *  within noise) with ~25 % less search CPU; i8 the same recall again, with coarser distances that
   *  no longer matter. Default: i8 with a term index (HNSW is then only the fallback), else f16. */
  quantization?: ScalarKind;
  /** The terms a vector is made of (LocalEmbedder.terms): enables the exact term index. */
  terms?: (text: string) => string[];
  /** Always select term-search candidates by the full postings walk (the reference the early-stopping
   *  selection is tested against; same results, slower on templated traffic). */
  exhaustiveTermWalk?: boolean;
  /** RARE_POSTINGS and POSTINGS_BUDGET (tests use small ones to reach every branch with few entries). */
  rarePostings?: number;
  postingsBudget?: number;
}

export class MemoryIndex {
  /** Map iteration order is insertion order: re-inserting on use makes the first key the LRU one. */
  private readonly entries = new Map<string, Slot>();
  private readonly partitions = new Map<string, Partition>();
  private nextKey = 1;
  /** Term-search counters: how candidates were selected and how many postings that visited. */
  readonly stats: TermWalkStats = { fast: 0, walks: 0, visited: 0 };

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
    const prior = this.partitions.get(entry.scopeHash)?.exact.get(entry.promptHash);
    if (prior) this.remove(prior);
    const key = this.nextKey++;
    const p = this.partition(entry.scopeHash);
    const row = this.storeVector(p, entry.embedding);
    p.index.add(BigInt(key), entry.embedding, 1);
    // The index and the slab hold the vector: the kept entry has no float32 copy, and shares its
    // partition's scope string. Nor does it keep the answer: only a hit reads that (answers.ts).
    this.entries.set(entry.id, { entry: { ...entry, scopeHash: p.scopeHash, embedding: EMPTY, answer: '' }, key, row });
    p.exact.set(entry.promptHash, entry.id);
    p.keyToId.set(key, entry.id);
    for (const t of this.termsOf(entry)) {
      const had = p.postings.get(t);
      if (had === undefined) p.postings.set(t, key);
      else if (typeof had === 'number') p.postings.set(t, new Set([had, key]));
      else had.add(key);
    }
  }

  remove(id: string): boolean {
    const slot = this.entries.get(id);
    if (!slot) return false;
    this.entries.delete(id);
    const p = this.partitions.get(slot.entry.scopeHash);
    if (p) {
      if (p.exact.get(slot.entry.promptHash) === id) p.exact.delete(slot.entry.promptHash);
      p.index.remove(BigInt(slot.key));
      p.keyToId.delete(slot.key);
      p.freeRows.push(slot.row);
      for (const t of this.termsOf(slot.entry)) {
        const had = p.postings.get(t);
        if (had === slot.key) p.postings.delete(t);
        else if (typeof had === 'object') {
          had.delete(slot.key);
          if (had.size === 1) p.postings.set(t, had.values().next().value as number);
          else if (had.size === 0) p.postings.delete(t);
        }
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
    const id = this.partitions.get(scopeHash)?.exact.get(promptHash);
    return id ? this.entries.get(id)?.entry : undefined;
  }

  /** Up to k nearest entries of one scope, most similar first (similarity = cosine). With a term
   *  index and `queryTerms`, the candidates are the entries sharing most terms, scored exactly. */
  search(scopeHash: string, vector: Float32Array, k: number, queryTerms?: string[]): Candidate[] {
    return this.searchBy(scopeHash, vector, k, queryTerms).candidates;
  }

  /** `search`, saying how the candidates were found: by shared terms, or by HNSW alone (no term of
   *  the query is indexed, e.g. every word misspelt). */
  searchBy(scopeHash: string, vector: Float32Array, k: number, queryTerms?: string[]): { candidates: Candidate[]; by: 'terms' | 'vectors' } {
    const p = this.partitions.get(scopeHash);
    if (!p || p.keyToId.size === 0) return { candidates: [], by: 'vectors' };
    if (queryTerms && queryTerms.length > 0 && this.opts.terms) {
      const found = this.termSearch(p, vector, k, queryTerms);
      if (found) return { candidates: found, by: 'terms' };
    }
    const n = Math.min(k, p.keyToId.size);
    const m = p.index.search(vector, n, 1);
    const out: Candidate[] = [];
    // HNSW only selects the candidates; their similarity is the cosine of the slab's vectors, so it
    // does not depend on how coarsely the index stores its copy.
    const qNorm = Math.sqrt(dot(vector, vector));
    for (let i = 0; i < m.keys.length; i++) {
      const id = p.keyToId.get(Number(m.keys[i]));
      const slot = id ? this.entries.get(id) : undefined;
      if (!slot || !Number.isFinite(m.distances[i])) continue;
      out.push({ entry: slot.entry, similarity: cosineF16(vector, qNorm, p.vectors, slot.row * this.opts.dim) });
    }
    out.sort((a, b) => b.similarity - a.similarity);
    return { candidates: out, by: 'vectors' };
  }

  /** null when no query term is indexed (the caller then asks HNSW). */
  private termSearch(p: Partition, vector: Float32Array, k: number, queryTerms: string[]): Candidate[] | null {
    const lists: Array<Set<number>> = [];
    for (const t of new Set(queryTerms)) {
      const had = p.postings.get(t);
      if (had !== undefined) lists.push(typeof had === 'number' ? new Set([had]) : had);
    }
    if (lists.length === 0) return null;
    // Rarest terms first: they say most about the question and have the shortest lists.
    lists.sort((a, b) => a.size - b.size);
    const usable = (key: number) => {
      const id = p.keyToId.get(key);
      return !!id && this.entries.has(id);
    };
    const limits = { rare: this.opts.rarePostings ?? RARE_POSTINGS, budget: this.opts.postingsBudget ?? POSTINGS_BUDGET };
    const keys = (this.opts.exhaustiveTermWalk ? null : sharedTermsFast(lists, usable, limits, this.stats)) ?? sharedTermsWalk(lists, usable, limits, this.stats);
    const out: Candidate[] = [];
    for (const key of keys) {
      const slot = this.entries.get(p.keyToId.get(key)!)!;
      out.push({ entry: slot.entry, similarity: dotF16(vector, p.vectors, slot.row * this.opts.dim) });
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
    this.partitions.clear();
  }

  /** Writes a vector into a free row of the partition's slab (growing it by half when full). */
  private storeVector(p: Partition, v: Float32Array): number {
    const dim = this.opts.dim;
    let row = p.freeRows.pop();
    if (row === undefined) {
      row = p.rows++;
      if (p.rows * dim > p.vectors.length) {
        const grown = new Uint16Array(Math.ceil(p.rows * 1.5) * dim);
        grown.set(p.vectors);
        p.vectors = grown;
      }
    }
    const at = row * dim;
    for (let i = 0; i < dim; i++) p.vectors[at + i] = toF16(v[i]);
    return row;
  }

  /**
   * Sizes a partition's vector slab for `rows` entries at once. The slab otherwise grows by half
   * each time it fills: loading 100k rows that way leaves ~20 outgrown slabs (about twice the final
   * one) waiting for a major GC, which showed as 50 MB more RSS in some runs than in others.
   */
  reserve(scopeHash: string, rows: number): void {
    const p = this.partition(scopeHash);
    const want = Math.max(0, Math.floor(rows)) * this.opts.dim;
    if (want <= p.vectors.length) return;
    const sized = new Uint16Array(want);
    sized.set(p.vectors);
    p.vectors = sized;
  }

  /** The distinct terms an entry is indexed under (the same on add and remove: a pure function of its prompt). */
  private termsOf(entry: CacheEntry): Set<string> {
    return new Set(this.opts.terms ? this.opts.terms(entry.promptNorm) : []);
  }

  private partition(scopeHash: string): Partition {
    let p = this.partitions.get(scopeHash);
    if (!p) {
      const index = new Index({
        dimensions: this.opts.dim,
        metric: MetricKind.Cos,
        // With a term index HNSW is only the fallback's candidate selection (scores come from the
        // slab): int8 there halves the index's vector memory and makes each insert's distance
        // computations cheaper. Without one it is the search itself: f16.
        quantization: this.opts.quantization ?? (this.opts.terms ? ScalarKind.I8 : ScalarKind.F16),
        connectivity: this.opts.connectivity ?? 16,
        expansion_add: this.opts.expansionAdd ?? 32,
        expansion_search: this.opts.expansionSearch ?? 32,
        multi: false,
      });
      p = { scopeHash, index, keyToId: new Map(), exact: new Map(), postings: new Map(), vectors: new Uint16Array(this.opts.dim * 16), freeRows: [], rows: 0 };
      this.partitions.set(scopeHash, p);
    }
    return p;
  }
}

const EMPTY = new Float32Array(0);
