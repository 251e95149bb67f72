// Bulk loading of decisions that are known to be new (fresh UUIDv7 ids, e.g. seed-demo): COPY
// straight into the partitioned tables, without the staging table and ON CONFLICT pass the
// recorder needs for replays. Each chunk is one transaction holding its decisions, their attempts
// and its rollup deltas, so the rollups match the rows after every commit, also when the load is
// interrupted. A few chunks are in flight at once to overlap generating rows in JS with Postgres.
// The embedded PGlite drops the connection on COPY FROM STDIN, so there each chunk goes through the
// recorder's unnest INSERT instead (same transaction-with-rollups), one chunk at a time.
import type pg from 'pg';
import { ensureMonthlyPartitions, monthStart } from '../db/partitions';
import { isEmbeddedServer } from '../db/server-kind';
import { copyIn } from './copy-text';
import type { StoredDecision } from './normalize';
import { ATTEMPT_COPY_TARGET, batchCopyText, DECISION_COPY_TARGET, upsertRollups, writeBatch } from './writer';

export interface BulkLoadOptions {
  /** Chunks written at once, each on its own connection. */
  concurrency?: number;
  /** Called after every committed chunk with the total committed so far. */
  onProgress?: (written: number) => void;
}

async function writeChunk(pool: pg.Pool, chunk: readonly StoredDecision[], embedded: boolean): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await (embedded ? insertChunk(client, chunk) : copyChunk(client, chunk));
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

/** The embedded server's path: the recorder's unnest INSERT, one transaction with its rollups. */
async function insertChunk(client: pg.PoolClient, chunk: readonly StoredDecision[]): Promise<void> {
  const n = await writeBatch(client, chunk, 'unnest');
  // bulk-loaded ids are fresh by contract; a silently skipped row would make the count lie
  if (n !== chunk.length) throw new Error(`${chunk.length - n} of ${chunk.length} decisions already existed`);
}

async function copyChunk(client: pg.PoolClient, chunk: readonly StoredDecision[]): Promise<void> {
  const text = batchCopyText(chunk);
  await client.query('BEGIN');
  try {
    await copyIn(client, DECISION_COPY_TARGET, text.decisions);
    if (text.attempts.length > 0) await copyIn(client, ATTEMPT_COPY_TARGET, text.attempts);
    await upsertRollups(client, chunk);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * Writes every chunk the iterator yields (ids must not exist yet: a duplicate fails its chunk) and
 * resolves with the number of decisions written. Stops at the first failed chunk and rejects;
 * chunks committed before it stay (with their rollups).
 */
export async function bulkLoad(pool: pg.Pool, chunks: Iterable<StoredDecision[]>, opts: BulkLoadOptions = {}): Promise<number> {
  const { rows } = await pool.query<{ v: string }>('SELECT version() AS v');
  const embedded = isEmbeddedServer(rows[0]?.v ?? '');
  const concurrency = embedded ? 1 : Math.max(1, opts.concurrency ?? 2);
  const months = new Set<number>();
  const inFlight = new Set<Promise<void>>();
  let written = 0;
  let failure: unknown;
  for (const chunk of chunks) {
    if (failure !== undefined) break;
    const newMonths = [...new Set(chunk.map((d) => monthStart(new Date(d.createdAt)).getTime()))].filter((m) => !months.has(m));
    if (newMonths.length > 0) {
      await ensureMonthlyPartitions(pool, newMonths.map((m) => new Date(m)));
      newMonths.forEach((m) => months.add(m));
    }
    const p: Promise<void> = writeChunk(pool, chunk, embedded).then(
      () => {
        written += chunk.length;
        opts.onProgress?.(written);
      },
      (err: unknown) => {
        failure ??= err;
      },
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return written;
}
