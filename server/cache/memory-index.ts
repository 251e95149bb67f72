// The in-memory read path: entries in LRU order, an exact map keyed by (scope, prompt hash) and
// one usearch HNSW index (cosine) per scope partition, so a semantic search only ever sees
// entries of the caller's tenant / system prompt / params. Pure data structure: no I/O.
import { Index, MetricKind, ScalarKind } from 'usearch';
import type { CacheEntry } from './store';

export interface Candidate {
  entry: CacheEntry;
  similarity: number;
}

interface Partition {
  index: Index;
  keyToId: Map<bigint, string>;
}

export interface MemoryIndexOptions {
  dim: number;
  /** HNSW graph degree and search breadth: higher is more exact and slower. */
  connectivity?: number;
  expansionAdd?: number;
  expansionSearch?: number;
}

export class MemoryIndex {
  /** Map iteration order is insertion order: re-inserting on use makes the first key the LRU one. */
  private readonly entries = new Map<string, { entry: CacheEntry; key: bigint }>();
  private readonly exact = new Map<string, string>();
  private readonly partitions = new Map<string, Partition>();
  private nextKey = 1n;

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
    this.entries.set(entry.id, { entry, key });
    this.exact.set(exactKey(entry.scopeHash, entry.promptHash), entry.id);
    const p = this.partition(entry.scopeHash);
    p.index.add(key, entry.embedding, 1);
    p.keyToId.set(key, entry.id);
  }

  remove(id: string): boolean {
    const slot = this.entries.get(id);
    if (!slot) return false;
    this.entries.delete(id);
    const ek = exactKey(slot.entry.scopeHash, slot.entry.promptHash);
    if (this.exact.get(ek) === id) this.exact.delete(ek);
    const p = this.partitions.get(slot.entry.scopeHash);
    if (p) {
      p.index.remove(slot.key);
      p.keyToId.delete(slot.key);
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

  /** Up to k nearest entries of one scope, most similar first (similarity = cosine). */
  search(scopeHash: string, vector: Float32Array, k: number): Candidate[] {
    const p = this.partitions.get(scopeHash);
    if (!p || p.keyToId.size === 0) return [];
    const n = Math.min(k, p.keyToId.size);
    const m = p.index.search(vector, n, 1);
    const out: Candidate[] = [];
    for (let i = 0; i < m.keys.length; i++) {
      const id = p.keyToId.get(m.keys[i]);
      const slot = id ? this.entries.get(id) : undefined;
      const d = m.distances[i];
      if (!slot || !Number.isFinite(d)) continue;
      out.push({ entry: slot.entry, similarity: Math.max(-1, Math.min(1, 1 - d)) });
    }
    return out;
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
        quantization: ScalarKind.F32,
        connectivity: this.opts.connectivity ?? 16,
        expansion_add: this.opts.expansionAdd ?? 32,
        expansion_search: this.opts.expansionSearch ?? 32,
        multi: false,
      });
      p = { index, keyToId: new Map() };
      this.partitions.set(scopeHash, p);
    }
    return p;
  }
}

function exactKey(scopeHash: string, promptHash: string): string {
  return `${scopeHash}:${promptHash}`;
}
