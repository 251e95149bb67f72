// The outage spool: batches that could not reach Postgres, appended to local JSON Lines files (one
// batch per line) and replayed in order when the database is back. Each process appends to its own
// file (decisions-<pid>.jsonl); files left behind by dead processes are adopted at start by an
// atomic rename, so two processes never replay the same file while it is still being written.
// Replaying is idempotent (see writer.ts), so a crash mid-replay only means some rows are offered
// twice, and the second offer adds nothing.
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredDecision } from './normalize';

const FILE_RE = /^decisions-(\d+)(?:-(\d+))?\.jsonl$/;

/** Whether a process still runs (EPERM: it does, under another user). Its files are not ours to take. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Spool {
  private readonly own: string;
  /** Files to replay, oldest first; `own` is always last because it receives new batches. */
  private files: string[] = [];
  private adoptedSeq = 0;
  private ready: Promise<void>;
  /** Batches currently in files (approximate after adoption of foreign files: counted on read). */
  pendingBatches = 0;

  constructor(private readonly dir: string) {
    this.own = join(dir, `decisions-${process.pid}.jsonl`);
    this.ready = this.init();
  }

  private async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const names = (await readdir(this.dir)).filter((n) => FILE_RE.test(n)).sort();
    for (const name of names) {
      const [, pidText] = FILE_RE.exec(name)!;
      const pid = Number(pidText);
      const path = join(this.dir, name);
      if (path === this.own) continue;
      if (pid !== process.pid && pidAlive(pid)) continue; // another live process owns it
      const target = join(this.dir, `decisions-${process.pid}-${Date.now()}${String(this.adoptedSeq++).padStart(4, '0')}.jsonl`);
      try {
        await rename(path, target);
        this.files.push(target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // someone adopted it first
      }
    }
    try {
      await readFile(this.own);
      this.files.push(this.own);
    } catch {
      /* no own file yet */
    }
    for (const f of this.files) this.pendingBatches += (await this.readBatches(f)).length;
  }

  async isEmpty(): Promise<boolean> {
    await this.ready;
    return this.files.length === 0;
  }

  async append(batch: readonly StoredDecision[]): Promise<void> {
    await this.ready;
    // Owner-only (prompts' previews and key ids are in it), and on disk before the batch counts as kept:
    // the decision journal's segment is removed on the strength of this write.
    const fh = await open(this.own, 'a', 0o600);
    try {
      await fh.write(`${JSON.stringify(batch)}\n`);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    if (!this.files.includes(this.own)) this.files.push(this.own);
    this.pendingBatches += 1;
  }

  private async readBatches(file: string): Promise<StoredDecision[][]> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return [];
    }
    const out: StoredDecision[][] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as StoredDecision[]);
      } catch {
        // A line torn by a crash mid-append: nothing after it in that line was acknowledged.
      }
    }
    return out;
  }

  /**
   * Replays every spooled batch in order through `write`. Stops at the first failure, keeping
   * that batch and everything after it (the file is rewritten atomically). Returns decisions replayed.
   */
  async replay(write: (batch: StoredDecision[]) => Promise<void>): Promise<number> {
    await this.ready;
    let replayed = 0;
    while (this.files.length > 0) {
      const file = this.files[0];
      const batches = await this.readBatches(file);
      for (let i = 0; i < batches.length; i++) {
        try {
          await write(batches[i]);
        } catch (err) {
          const rest = batches.slice(i).map((b) => JSON.stringify(b)).join('\n');
          await writeFile(`${file}.tmp`, `${rest}\n`, { mode: 0o600 });
          await rename(`${file}.tmp`, file);
          this.pendingBatches = Math.max(0, this.pendingBatches - i);
          throw err;
        }
        replayed += batches[i].length;
      }
      // The own file may have received appends while replaying: only remove what was read.
      const after = await this.readBatches(file);
      if (after.length > batches.length) {
        const rest = after.slice(batches.length).map((b) => JSON.stringify(b)).join('\n');
        await writeFile(`${file}.tmp`, `${rest}\n`, { mode: 0o600 });
        await rename(`${file}.tmp`, file);
        this.pendingBatches = after.length - batches.length;
        continue;
      }
      await rm(file, { force: true });
      this.files.shift();
      this.pendingBatches = Math.max(0, this.pendingBatches - batches.length);
    }
    return replayed;
  }
}
