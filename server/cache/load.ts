// Reading the durable copy into memory: at start and after the change feed was interrupted.
import type { Embedder } from '../embedding/types';
import type { CacheEntry, CacheStore } from './store';

/** Rows read per page. */
const LOAD_PAGE = 5_000;

/**
 * Reads the store's live rows a page at a time, with vectors this embedder can search, and hands
 * each row on (its vector is valid during the call only: the index copies it), calling `afterPage`
 * after each page (the cache trims memory to its LRU bound there). Rows of another dimension come
 * from another embedder: re-embedded. The local embedder's vectors are a cheap function of the text
 * (~40 us a row) and the table does not record which version wrote a row, so with it every row is
 * recomputed (its stored vector is not even read), into one scratch vector: older versions folded
 * words differently, and 100k loaded rows would otherwise leave 100k garbage vectors behind.
 * Answers are not read: a restarted replica reads each from the store on its first hit.
 */
export async function readStore(store: CacheStore, embedder: Embedder, now: Date, onRow: (row: CacheEntry) => void, afterPage: () => Promise<void>): Promise<void> {
  const recomputeAll = typeof embedder.terms === 'function';
  const scratch = new Float32Array(embedder.dim);
  for await (const rows of store.loadPages(now, { pageSize: LOAD_PAGE, embeddings: !recomputeAll, answers: false })) {
    if (recomputeAll && embedder.embedInto) {
      for (const r of rows) {
        embedder.embedInto(r.promptNorm, scratch);
        r.embedding = scratch;
        onRow(r);
      }
    } else {
      const stale = rows.filter((r) => recomputeAll || r.embedding.length !== embedder.dim);
      if (stale.length > 0) {
        const vecs = await embedder.embed(stale.map((r) => r.promptNorm));
        stale.forEach((r, i) => (r.embedding = vecs[i]));
      }
      for (const r of rows) onRow(r);
    }
    await afterPage();
  }
}
