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
import { F16_TABLE, toF16 } from './f16';
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

/** Entries scored exactly per term-index search (by shared-term count first). Postings longer than
 *  RARE_POSTINGS (very common terms) are only walked when the prompt has no rarer indexed term, and
 *  then at most POSTINGS_BUDGET of them: a paraphrase shares the rare terms, and a common term's
 *  list is what makes a lookup slow. That walk is the definition (sharedTermsWalk); sharedTermsFast
 *  finds the same entries in the same order and usually stops after a few dozen postings. */
const TERM_CANDIDATES = 16;
const RARE_POSTINGS = 2_000;
const POSTINGS_BUDGET = 20_000;

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
    // partition's scope string.
    this.entries.set(entry.id, { entry: { ...entry, scopeHash: p.scopeHash, embedding: EMPTY }, key, row });
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
    const p = this.partitions.get(scopeHash);
    if (!p || p.keyToId.size === 0) return [];
    if (queryTerms && queryTerms.length > 0 && this.opts.terms) {
      const found = this.termSearch(p, vector, k, queryTerms);
      if (found) return found;
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
    return out;
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

interface Limits {
  rare: number;
  budget: number;
}

/** Postings visited by term searches (tests and benches read it: the fast path must stay cheap). */
export interface TermWalkStats {
  /** Searches answered by the early-stopping selection / by the full walk. */
  fast: number;
  walks: number;
  /** Postings (entry keys) visited, both ways together. */
  visited: number;
}

/**
 * The reference selection (the definition): walk the postings rarest first — a list longer than
 * RARE_POSTINGS only when nothing was walked yet, at most POSTINGS_BUDGET postings — count the
 * shared terms per entry, and return up to TERM_CANDIDATES usable entries, most shared terms
 * first, ties in the order the walk first met them. Its cost grows with the lists: on templated
 * traffic ("… (request 1234)") the rarest term of a prompt is in every entry of its template.
 */
function sharedTermsWalk(lists: Array<Set<number>>, usable: (key: number) => boolean, limits: Limits, stats: TermWalkStats): number[] {
  stats.walks++;
  const counts = new Map<number, number>();
  let walked = 0;
  for (const set of lists) {
    if (walked > 0 && set.size > limits.rare) break;
    for (const key of set) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (++walked >= limits.budget) break;
    }
  }
  stats.visited += walked;
  // Bucketed by count: no big sort.
  const buckets: number[][] = Array.from({ length: lists.length + 1 }, () => []);
  for (const [key, c] of counts) buckets[c].push(key);
  const out: number[] = [];
  for (let c = lists.length; c >= 1 && out.length < TERM_CANDIDATES; c--) {
    for (const key of buckets[c]) {
      if (out.length >= TERM_CANDIDATES) break;
      if (usable(key)) out.push(key);
    }
  }
  return out;
}

/**
 * The same selection as sharedTermsWalk, in the same order, without counting every posting: the
 * entries sharing c of the n walked lists, in the order the walk would first meet them, for
 * c = n, n-1, …, until TERM_CANDIDATES are found. An entry in c of the n lists is in one of the
 * first n-c+1 (so the pass for c only scans those), and the walk meets it first in the first list
 * holding it (so a key also in an earlier list is skipped: it was offered there). On templated
 * traffic the first pass finds them all after TERM_CANDIDATES postings. Returns null — the caller
 * then walks — when the walk would have been cut by POSTINGS_BUDGET (its counts would then depend on
 * where it stopped) or when this costs more than an eighth of the walk's postings (prompts whose
 * rare terms share few entries, where the walk is short anyway).
 */
function sharedTermsFast(lists: Array<Set<number>>, usable: (key: number) => boolean, limits: Limits, stats: TermWalkStats): number[] | null {
  // The lists the walk visits: the first, then the following ones up to RARE_POSTINGS long.
  let n = 0;
  let total = 0;
  for (const set of lists) {
    if (total > 0 && set.size > limits.rare) break;
    n++;
    total += set.size;
  }
  if (n > 1 && total >= limits.budget) return null;
  // Work = postings looked at + membership tests; past an eighth of the walk's postings, walk.
  const maxWork = 32 + total / 8;
  let work = 0;
  const out: number[] = [];
  for (let c = n; c >= 1; c--) {
    for (let i = 0; i <= n - c; i++) {
      // With one list the walk counts only its first POSTINGS_BUDGET postings.
      let left = limits.budget;
      for (const key of lists[i]) {
        if (--left < 0) break;
        if (++work > maxWork) {
          stats.visited += work;
          return null;
        }
        let earlier = false;
        for (let j = 0; j < i && !earlier; j++, work++) earlier = lists[j].has(key);
        if (earlier) continue;
        // Its count, as far as it decides "exactly c": stop once above c or unable to reach it.
        let count = 1;
        for (let j = i + 1; j < n && count <= c && count + (n - j) >= c; j++, work++) if (lists[j].has(key)) count++;
        if (count !== c || !usable(key)) continue;
        out.push(key);
        if (out.length >= TERM_CANDIDATES) {
          stats.fast++;
          stats.visited += work;
          return out;
        }
      }
    }
  }
  stats.fast++;
  stats.visited += work;
  return out;
}

/** Cosine of two unit vectors, clamped like the HNSW path. */
const EMPTY = new Float32Array(0);

/** Cosine of a float32 query and a half-precision row (both unit length), clamped to [-1, 1]. */
function dotF16(a: Float32Array, slab: Uint16Array, at: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * F16_TABLE[slab[at + i]];
  return Math.max(-1, Math.min(1, s));
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Cosine of a query (with its norm) and a slab row, for embedders whose vectors need not be unit length. */
function cosineF16(a: Float32Array, aNorm: number, slab: Uint16Array, at: number): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const v = F16_TABLE[slab[at + i]];
    s += a[i] * v;
    n += v * v;
  }
  const d = aNorm * Math.sqrt(n);
  return d > 0 ? Math.max(-1, Math.min(1, s / d)) : 0;
}


