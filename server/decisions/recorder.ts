// Records decisions off the request path. record() only normalizes and queues (microseconds, no
// I/O); one background drain loop writes batches to Postgres (writer.ts) or, while Postgres is
// unreachable, appends them to the local spool (spool.ts) and replays the spool in order when it
// comes back. All database and spool work happens in that single loop, so batches keep their order.
// A batch that fails for a reason other than connectivity is retried row by row and the rows
// Postgres still refuses go to rejected.jsonl beside the spool (never silently lost, never blocking).
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { ensureMonthlyPartitions, monthStart } from '../db/partitions';
import { isEmbeddedServer } from '../db/server-kind';
import { normalizeDecision, type StoredDecision } from './normalize';
import { createJournal, type JournalSync } from './journal';
import { Spool } from './spool';
import type { DecisionRecord, DecisionSink } from './types';
import { writeBatch, type WriteMethod } from './writer';

export interface RecorderOptions {
  /** A pool to use (not ended by close()), or a URL to open a small one. */
  pool?: pg.Pool;
  url?: string;
  spoolDir: string;
  /** 'copy' (default on a real Postgres): COPY into staging tables; 'unnest': INSERT ... unnest (the default on
   *  the embedded PGlite, which does not take COPY FROM STDIN). */
  method?: WriteMethod;
  /** Decisions per batch (one transaction). */
  batchSize?: number;
  /** Batches written at once (each on its own connection) while Postgres is up. */
  concurrency?: number;
  /** Longest time a decision waits in memory before its batch is written. */
  flushMs?: number;
  /** How long opening a connection may take before Postgres counts as unreachable. */
  connectTimeoutMs?: number;
  /** How long a batch may wait for Postgres's answer before it counts as unreachable (a hung database). */
  queryTimeoutMs?: number;
  /** Backoff bounds between reconnection attempts while Postgres is down. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Journal every decision to a local file before its answer is sent (default true). */
  journal?: boolean;
  /** When a journaled decision reaches the disk (journal.ts): within the interval (default) or before its answer. */
  journalSync?: JournalSync;
  journalSyncMs?: number;
  /** How often journal segments whose decisions are all stored are removed (default 1 s). */
  checkpointMs?: number;
  /** Close (flush) on SIGTERM/SIGINT, then let the signal end the process if nobody else handles it. */
  handleSignals?: boolean;
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void;
}

export interface RecorderStats {
  queued: number;
  written: number;
  /** Offered again (spool replay) but already in Postgres. */
  duplicates: number;
  spooled: number;
  replayed: number;
  rejected: number;
  dropped: number;
  spoolPendingBatches: number;
  databaseUp: boolean;
  lastError: string | null;
}

export interface Recorder extends DecisionSink {
  /** Resolves once everything recorded before the call is in Postgres or in the spool. */
  flush(): Promise<void>;
  /** Resolves once everything recorded before the call is journaled as the sync mode requires: await it before answering. */
  durable(): Promise<void>;
  /** Flushes, tries a last replay, stops timers and (if it opened it) the pool. */
  close(): Promise<void>;
  stats(): RecorderStats;
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '40001', '40P01']);

/** Connectivity (or retryable) failures: spool and retry. Anything else is about the data. */
export function isTransient(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (TRANSIENT_CODES.has(code) || /^(08|53|57P)/.test(code)) return true;
  const msg = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|connection error|not queryable|Client was closed|after calling end|Query read timeout/i.test(msg);
}

export function createRecorder(opts: RecorderOptions): Recorder {
  if (!opts.pool && !opts.url) throw new Error('createRecorder needs a pool or a url');
  const ownPool = !opts.pool;
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  const pool = opts.pool ?? new pg.Pool({ connectionString: opts.url, max: concurrency + 1, connectionTimeoutMillis: opts.connectTimeoutMs ?? 3000, query_timeout: opts.queryTimeoutMs ?? 15_000 });
  // An idle client dying with the server must not crash the process; the next write reports it.
  pool.on('error', () => undefined);
  // Batches only get this big when that many decisions are waiting (under load), where bigger
  // batches cost less per decision (bench/ingest.bench.ts: 5,000 beat 2,000 by ~20-25%).
  const batchSize = Math.max(1, opts.batchSize ?? 5000);
  const flushMs = Math.max(1, opts.flushMs ?? 100);
  const retryMin = opts.retryMinMs ?? 250;
  const retryMax = opts.retryMaxMs ?? 15_000;
  const log = opts.log ?? ((level, msg) => process.stderr.write(`[decisions] ${level}: ${msg}\n`));
  const spool = new Spool(opts.spoolDir);
  const journal = opts.journal === false ? null : createJournal(opts.spoolDir, log, { sync: opts.journalSync, syncIntervalMs: opts.journalSyncMs });
  const rejectedFile = join(opts.spoolDir, 'rejected.jsonl');

  let queue: StoredDecision[] = [];
  let chain: Promise<void> = Promise.resolve();
  let drainQueued = false;
  let timer: NodeJS.Timeout | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;
  let up = true;
  let retryDelay = retryMin;
  let nextTryAt = 0;
  /** Set by close(): the next drain tries Postgres regardless of the backoff (cleared on failure). */
  let forceTry = false;
  const ensuredMonths = new Set<number>();
  const s = { written: 0, duplicates: 0, spooled: 0, replayed: 0, rejected: 0, dropped: 0, lastError: null as string | null };

  function markDown(err: unknown): void {
    s.lastError = err instanceof Error ? err.message : String(err);
    if (up) log('warn', `Postgres unreachable, spooling decisions to ${opts.spoolDir}: ${s.lastError}`);
    up = false;
    forceTry = false;
    nextTryAt = Date.now() + retryDelay;
    retryDelay = Math.min(retryDelay * 2, retryMax);
  }
  function markUp(): void {
    if (!up) log('info', 'Postgres reachable again');
    up = true;
    retryDelay = retryMin;
  }

  async function writeOnce(batch: StoredDecision[]): Promise<void> {
    const months = [...new Set(batch.map((d) => monthStart(new Date(d.createdAt)).getTime()))].filter((m) => !ensuredMonths.has(m));
    if (months.length > 0) {
      try {
        await ensureMonthlyPartitions(pool, months.map((m) => new Date(m)));
      } catch (err) {
        if (isTransient(err)) throw err;
        // Rows still land in the DEFAULT partition; not a reason to refuse decisions.
        log('warn', `cannot create decision partitions: ${(err as Error).message}`);
      }
      months.forEach((m) => ensuredMonths.add(m));
    }
    const client = await pool.connect();
    // A connection dying between two statements emits 'error' on the client; the failing query
    // reports it, so this listener only keeps it from becoming an uncaught exception.
    const swallow = () => undefined;
    client.on('error', swallow);
    let broken: Error | undefined;
    try {
      const fresh = await writeBatch(client, batch, opts.method ?? (await defaultMethod(client)));
      s.written += fresh;
      s.duplicates += batch.length - fresh;
    } catch (err) {
      if (isTransient(err)) broken = err as Error;
      throw err;
    } finally {
      client.off('error', swallow);
      client.release(broken);
    }
  }

  // The embedded PGlite behind pglite-socket drops the connection on COPY FROM STDIN ("unexpected
  // EOF on client connection with an open transaction"): every batch spooled and none was written.
  // It gets the INSERT ... unnest writer instead; a real Postgres keeps COPY. Asked once per recorder.
  let method: Promise<WriteMethod> | undefined;
  function defaultMethod(client: pg.PoolClient): Promise<WriteMethod> {
    method ??= client
      .query<{ v: string }>('SELECT version() AS v')
      .then(({ rows }) => (isEmbeddedServer(rows[0]?.v ?? '') ? 'unnest' : 'copy'))
      .catch((err: unknown) => {
        method = undefined; // ask again on the next batch
        throw err;
      });
    return method;
  }

  /** Throws only transient errors; rows Postgres refuses go to rejected.jsonl. */
  async function write(batch: StoredDecision[]): Promise<void> {
    try {
      await writeOnce(batch);
      return;
    } catch (err) {
      if (isTransient(err)) throw err;
      log('error', `batch of ${batch.length} refused (${(err as Error).message}); retrying row by row`);
    }
    for (const d of batch) {
      try {
        await writeOnce([d]);
      } catch (err) {
        if (isTransient(err)) throw err;
        s.rejected += 1;
        s.lastError = (err as Error).message;
        await appendFile(rejectedFile, `${JSON.stringify({ error: (err as Error).message, decision: d })}\n`, { mode: 0o600 });
      }
    }
  }

  async function toSpool(batch: StoredDecision[], requeue = true): Promise<boolean> {
    try {
      await spool.append(batch);
      s.spooled += batch.length;
      return true;
    } catch (err) {
      log('error', `cannot write the spool (${(err as Error).message}); keeping ${batch.length} decisions in memory`);
      if (requeue) queue = batch.concat(queue);
      return false;
    }
  }

  async function drain(): Promise<void> {
    drainQueued = false;
    for (;;) {
      const usable = up || forceTry || Date.now() >= nextTryAt;
      if (usable && !(await spool.isEmpty())) {
        try {
          s.replayed += await spool.replay(write);
          markUp();
        } catch (err) {
          markDown(err);
        }
      }
      if (queue.length === 0) break;
      if (!(up || forceTry || Date.now() >= nextTryAt) || !(await spool.isEmpty())) {
        if (!(await toSpool(queue.splice(0, batchSize)))) break;
        continue;
      }
      // Concurrent batches overlap JS preparation with database work; rollup rows are upserted in
      // key order by every writer, so they wait for each other instead of deadlocking.
      const batches: StoredDecision[][] = [];
      while (queue.length > 0 && batches.length < (up ? concurrency : 1)) batches.push(queue.splice(0, batchSize));
      const results = await Promise.allSettled(batches.map(write));
      const unsaved: StoredDecision[] = [];
      for (let i = 0; i < results.length; i++) {
        const r = results[i];
        if (r.status === 'fulfilled') continue;
        markDown(r.reason);
        if (unsaved.length > 0 || !(await toSpool(batches[i], false))) unsaved.push(...batches[i]);
      }
      if (unsaved.length > 0) {
        queue = unsaved.concat(queue); // the disk refused the spool: keep them in memory, in order
        break;
      }
      if (results.every((r) => r.status === 'fulfilled')) markUp();
    }
    if (!(await spool.isEmpty()) || queue.length > 0) scheduleRetry();
  }

  function scheduleRetry(): void {
    if (retryTimer || closed) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void enqueueDrain();
    }, Math.max(10, nextTryAt - Date.now()));
    retryTimer.unref();
  }

  function enqueueDrain(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (drainQueued) return chain;
    drainQueued = true;
    chain = chain.then(drain).catch((err: unknown) => {
      s.lastError = err instanceof Error ? err.message : String(err);
      log('error', `decision writer: ${s.lastError}`);
    });
    return chain;
  }

  const onSignal = (signal: NodeJS.Signals) => {
    void recorder.close().finally(() => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };

  const recorder: Recorder = {
    record(decision: DecisionRecord): void {
      const row = normalizeDecision(decision);
      if (!row) {
        s.dropped += 1;
        log('error', `decision without a valid UUID id dropped (${String((decision as { id?: unknown } | null)?.id)})`);
        return;
      }
      queue.push(row);
      if (journal) {
        journal.append(row);
        segmentRows.add(row);
      }
      if (closed) {
        void enqueueDrain();
      } else if (queue.length >= batchSize) {
        if (!drainQueued) setImmediate(() => void enqueueDrain());
      } else if (!timer && !drainQueued) {
        timer = setTimeout(() => {
          timer = undefined;
          void enqueueDrain();
        }, flushMs);
        timer.unref();
      }
    },
    async flush(): Promise<void> {
      // A drain that is already queued may start before the caller's last record; queue another.
      await enqueueDrain();
      if (queue.length > 0) await enqueueDrain();
    },
    durable: () => journal?.committed() ?? Promise.resolve(),
    async close(): Promise<void> {
      if (closed) return chain;
      closed = true;
      clearInterval(checkpointTimer);
      await checkpointing;
      if (opts.handleSignals) {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
      // A drain already running may be in the middle of a failed attempt; after it, one last
      // attempt to reach Postgres (spool replay first) before leaving the rest in the spool.
      await chain;
      forceTry = true;
      await recorder.flush();
      if (retryTimer) clearTimeout(retryTimer);
      if (timer) clearTimeout(timer);
      // Everything recorded is in Postgres or the spool now: the journal has nothing left to guard.
      if (queue.length === 0) await journal?.close();
      if (ownPool) await pool.end().catch(() => undefined);
    },
    stats: () => ({
      queued: queue.length,
      ...s,
      spoolPendingBatches: spool.pendingBatches,
      databaseUp: up,
    }),
  };
  if (opts.handleSignals) {
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  void mkdir(opts.spoolDir, { recursive: true, mode: 0o700 }).catch(() => undefined);

  // Journal checkpoints: a new segment takes new decisions; once everything recorded before it is in
  // Postgres or the spool (flush), the old segment is removed.
  let checkpointing: Promise<void> = Promise.resolve();
  /** The decisions in the journal's current segment (same objects as in the queue). */
  let segmentRows = new Set<StoredDecision>();
  const checkpointTimer = setInterval(() => {
    if (!journal?.dirty() || closed) return;
    checkpointing = checkpointing.then(async () => {
      const rows = segmentRows;
      segmentRows = new Set();
      const old = journal.rotate();
      await old.done;
      await recorder.flush();
      // Only decisions the spool could not take stay in memory: their segment stays too.
      if (!queue.some((r) => rows.has(r))) await journal.remove(old.path);
    }).catch((err: unknown) => log('warn', `journal checkpoint: ${(err as Error).message}`));
  }, opts.checkpointMs ?? 1000);
  checkpointTimer.unref();
  // Decisions journaled by a process that died before storing them are recorded again (idempotent).
  if (journal) {
    checkpointing = journal.recover().then(async ({ decisions, files }) => {
      if (files.length === 0) return;
      log('warn', `recovering ${decisions.length} journaled decisions from ${files.length} file(s) left by a stopped process`);
      queue.push(...decisions);
      await recorder.flush();
      if (queue.length === 0) for (const f of files) await journal.remove(f);
    }).catch((err: unknown) => log('warn', `journal recovery: ${(err as Error).message}`));
  }
  // Batches spooled by an earlier run (or a dead process) are replayed as soon as possible.
  void spool.isEmpty().then((empty) => (empty ? undefined : enqueueDrain()));
  return recorder;
}
