// The decision journal: every decision is appended to a local file before its answer leaves the
// process, with a plain write(2) on the calling thread (~2 µs for a decision: the page cache, not the
// disk), so a kill -9 between the answer and the batched Postgres write loses nothing that was
// answered. Reaching the disk is group-committed: in the default mode one fdatasync per interval
// (10 ms) covers everything written since the last, so an OS crash or power loss loses at most the
// decisions of the last interval; in `answer` mode the answer also waits for the fdatasync that
// covers its decision (one per group of answers waiting together), which costs the request a disk
// flush (~0.3–0.8 ms here) and loses nothing to an OS crash either. Segments are checkpointed away
// once the recorder has put everything in them into Postgres or the (also fsync'd) spool; segments
// left by a dead process are recovered at start. Replaying a decision that did reach Postgres adds
// nothing (the writer is idempotent).
import { closeSync, fdatasync, mkdirSync, openSync, writeSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredDecision } from './normalize';
import { pidAlive } from './spool';

const SEGMENT_RE = /^journal-(\d+)-(\d+)\.jsonl$/;
const startedAt = Math.floor(performance.timeOrigin);

/** When a journaled decision must be on disk: before its answer leaves, or within the sync interval. */
export type JournalSync = 'answer' | 'interval';

export interface JournalOptions {
  sync?: JournalSync;
  /** The group-commit interval in `interval` mode (default 10 ms). */
  syncIntervalMs?: number;
}

export interface Journal {
  /** Writes the decision to the current segment (the OS has it when this returns). */
  append(d: StoredDecision): void;
  /**
   * Resolves when the answers of everything appended before the call may leave: at once in
   * `interval` mode (written), after the covering fdatasync in `answer` mode.
   */
  committed(): Promise<void>;
  /** Resolves once everything appended before the call is on disk (fdatasync'd), in either mode. */
  synced(): Promise<void>;
  /** Appends since the last rotation. */
  dirty(): boolean;
  /**
   * From now on appends go to a fresh segment (synchronously, so a caller can tell which appends went
   * where); `done` resolves once the old segment is on disk and closed.
   */
  rotate(): { path: string; done: Promise<void> };
  remove(path: string): Promise<void>;
  /** Decisions in segments left by processes that are gone, and those segments' paths. */
  recover(): Promise<{ decisions: StoredDecision[]; files: string[] }>;
  close(): Promise<void>;
}

interface Segment {
  path: string;
  fd: number | null;
  /** Bytes written since the last fdatasync started. */
  unsynced: boolean;
  /** Waiting for the next fdatasync to finish. */
  waiters: (() => void)[];
  syncing: Promise<void> | null;
  appended: number;
}

const datasync = (fd: number) => new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));

export function createJournal(dir: string, log: (level: 'warn' | 'error', msg: string) => void, opts: JournalOptions = {}): Journal {
  const mode = opts.sync ?? 'interval';
  // The spool folder may not exist yet on a fresh data dir (the spool creates it lazily, later):
  // without it the first segment cannot open and the first answers go unjournaled.
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    log('error', `decision journal folder ${dir} cannot be created (${(err as Error).message}); answers continue without it`);
  }
  let seq = 0;
  let failed = false;
  /** Syncs of rotated segments still running: synced() waits for them too. */
  let retiring: Promise<void> = Promise.resolve();

  // A journal that cannot be written must not stop answers: the recorder still writes Postgres or
  // the spool; only the kill -9 guarantee is lost while this lasts.
  const failing = (err: unknown) => {
    if (!failed) log('error', `decision journal not writable (${(err as Error).message}); answers continue without it`);
    failed = true;
  };

  const openSegment = (): Segment => {
    const path = join(dir, `journal-${process.pid}-${Date.now()}${String(seq++).padStart(4, '0')}.jsonl`);
    let fd: number | null = null;
    try {
      fd = openSync(path, 'a', 0o600);
    } catch (err) {
      failing(err);
    }
    return { path, fd, unsynced: false, waiters: [], syncing: null, appended: 0 };
  };

  /** fdatasyncs until nothing written is left unsynced and nobody waits; one loop per segment. */
  async function syncLoop(seg: Segment): Promise<void> {
    while (seg.unsynced || seg.waiters.length > 0) {
      const ws = seg.waiters;
      seg.waiters = [];
      if (seg.unsynced && seg.fd !== null) {
        seg.unsynced = false;
        try {
          await datasync(seg.fd);
        } catch (err) {
          failing(err);
        }
      } else {
        seg.unsynced = false;
      }
      for (const w of ws) w();
    }
    seg.syncing = null;
  }

  const sync = (seg: Segment): Promise<void> => {
    if (!seg.unsynced && !seg.syncing) return Promise.resolve();
    return new Promise<void>((resolve) => {
      seg.waiters.push(resolve);
      seg.syncing ??= syncLoop(seg);
    });
  };

  let current = openSegment();
  let timer: NodeJS.Timeout | null = null;
  const schedule = () => {
    if (timer || mode !== 'interval') return;
    timer = setTimeout(() => {
      timer = null;
      void sync(current);
    }, opts.syncIntervalMs ?? 10);
    timer.unref();
  };

  const closeSegment = async (seg: Segment) => {
    await sync(seg);
    if (seg.fd !== null) {
      try {
        closeSync(seg.fd);
      } catch {
        // already closed
      }
      seg.fd = null;
    }
  };

  return {
    append(d) {
      current.appended++;
      const seg = current;
      if (seg.fd === null) return;
      try {
        const buf = Buffer.from(`${JSON.stringify(d)}\n`);
        let off = 0;
        while (off < buf.length) off += writeSync(seg.fd, buf, off);
        failed = false;
      } catch (err) {
        failing(err);
        return;
      }
      seg.unsynced = true;
      schedule();
    },
    committed() {
      return mode === 'answer' ? Promise.all([retiring, sync(current)]).then(() => undefined) : Promise.resolve();
    },
    synced() {
      return Promise.all([retiring, sync(current)]).then(() => undefined);
    },
    dirty: () => current.appended > 0,
    rotate() {
      const old = current;
      current = openSegment();
      const done = closeSegment(old);
      retiring = Promise.all([retiring, done]).then(() => undefined);
      return { path: old.path, done };
    },
    async remove(p) {
      await rm(p, { force: true });
    },
    async recover() {
      const decisions: StoredDecision[] = [];
      const files: string[] = [];
      let names: string[] = [];
      try {
        names = await readdir(dir);
      } catch {
        return { decisions, files };
      }
      for (const name of names.sort()) {
        const m = SEGMENT_RE.exec(name);
        if (!m) continue;
        const pid = Number(m[1]);
        // Our own pid from before this process started is an earlier incarnation (pid 1 in a container).
        const ours = pid === process.pid && Number(m[2].slice(0, -4)) >= startedAt;
        if (ours || (pid !== process.pid && pidAlive(pid))) continue;
        const file = join(dir, name);
        files.push(file);
        for (const line of (await readFile(file, 'utf8').catch(() => '')).split('\n')) {
          if (!line.trim()) continue;
          try {
            decisions.push(JSON.parse(line) as StoredDecision);
          } catch {
            // A last line torn by an OS crash before the sync: among what that interval loses.
          }
        }
      }
      return { decisions, files };
    },
    async close() {
      if (timer) clearTimeout(timer);
      timer = null;
      const last = current;
      await closeSegment(last);
      await retiring;
      await rm(last.path, { force: true });
    },
  };
}
