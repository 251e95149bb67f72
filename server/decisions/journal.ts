// The decision journal: every decision is appended to a local file and fsync'd before its answer
// leaves the process, so a kill -9 (or an OS crash) between the answer and the batched Postgres write
// loses nothing that was answered. Appends are group-committed: all decisions that arrive while one
// write + fdatasync runs go out together in the next one, so the cost is one fsync per group, not per
// request. Segments are checkpointed away once the recorder has put everything in them into Postgres
// or the (also fsync'd) spool; segments left by a dead process are recovered at start. Replaying a
// decision that did reach Postgres adds nothing (the writer is idempotent).
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredDecision } from './normalize';
import { pidAlive } from './spool';

const SEGMENT_RE = /^journal-(\d+)-(\d+)\.jsonl$/;
const startedAt = Math.floor(performance.timeOrigin);

export interface Journal {
  append(d: StoredDecision): void;
  /** Resolves once everything appended before the call is on disk (fdatasync'd). */
  committed(): Promise<void>;
  /** Appends since the last rotation. */
  dirty(): boolean;
  /**
   * From now on appends go to a fresh segment (synchronously, so a caller can tell which appends went
   * where); `done` resolves once the old segment's last group is on disk and it is closed.
   */
  rotate(): { path: string; done: Promise<void> };
  remove(path: string): Promise<void>;
  /** Decisions in segments left by processes that are gone, and those segments' paths. */
  recover(): Promise<{ decisions: StoredDecision[]; files: string[] }>;
  close(): Promise<void>;
}

interface Segment {
  path: string;
  handle: Promise<FileHandle>;
  pending: string[];
  waiters: (() => void)[];
  committing: Promise<void> | null;
  appended: number;
}

export function createJournal(dir: string, log: (level: 'warn' | 'error', msg: string) => void): Journal {
  // The spool folder may not exist yet on a fresh data dir (the spool creates it lazily, later):
  // without it the first segment cannot open and the first answers go unjournaled.
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    log('error', `decision journal folder ${dir} cannot be created (${(err as Error).message}); answers continue without it`);
  }
  let seq = 0;
  let failed = false;
  /** Commits of rotated segments still running: committed() waits for them too. */
  let retiring: Promise<void> = Promise.resolve();

  const openSegment = (): Segment => {
    const path = join(dir, `journal-${process.pid}-${Date.now()}${String(seq++).padStart(4, '0')}.jsonl`);
    const handle = open(path, 'a', 0o600);
    handle.catch(() => undefined);
    return { path, handle, pending: [], waiters: [], committing: null, appended: 0 };
  };

  async function commitLoop(seg: Segment): Promise<void> {
    while (seg.pending.length > 0 || seg.waiters.length > 0) {
      const lines = seg.pending;
      const ws = seg.waiters;
      seg.pending = [];
      seg.waiters = [];
      if (lines.length > 0) {
        try {
          const fh = await seg.handle;
          await fh.write(lines.join(''));
          await fh.datasync();
          failed = false;
        } catch (err) {
          // A journal that cannot be written must not stop answers: the recorder still writes
          // Postgres or the spool; only the kill -9 guarantee is lost while this lasts.
          if (!failed) log('error', `decision journal not writable (${(err as Error).message}); answers continue without it`);
          failed = true;
        }
      }
      for (const w of ws) w();
    }
    seg.committing = null;
  }

  const commit = (seg: Segment): Promise<void> => {
    if (seg.pending.length === 0 && !seg.committing) return Promise.resolve();
    return new Promise<void>((resolve) => {
      seg.waiters.push(resolve);
      seg.committing ??= commitLoop(seg);
    });
  };

  let current = openSegment();
  return {
    append(d) {
      current.pending.push(`${JSON.stringify(d)}\n`);
      current.appended++;
    },
    committed() {
      return Promise.all([retiring, commit(current)]).then(() => undefined);
    },
    dirty: () => current.appended > 0,
    rotate() {
      const old = current;
      current = openSegment();
      const done = commit(old).then(async () => {
        await (await old.handle.catch(() => null))?.close().catch(() => undefined);
      });
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
            // The last line torn by the crash: its answer was never sent (it waited for this write).
          }
        }
      }
      return { decisions, files };
    },
    async close() {
      const last = current;
      await commit(last);
      await retiring;
      await (await last.handle.catch(() => null))?.close().catch(() => undefined);
      await rm(last.path, { force: true });
    },
  };
}
