// kill -9 after the answer: decisions the process had only in memory (its batch not yet written)
// were journaled before the answer, and the next process stores them, exactly once.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { uuidv7 } from './ids';
import { createJournal } from './journal';
import { createRecorder } from './recorder';

const url = process.env.TEST_DATABASE_URL!;
const db = new pg.Pool({ connectionString: url, max: 1 });
afterAll(() => db.end());
const child = fileURLToPath(new URL('../../test/fixtures/record-then-hang.ts', import.meta.url));

describe('decision journal', () => {
  it('a decision answered just before kill -9 is stored by the next process, once', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'journal-'));
    const key = `k-${uuidv7()}`;
    const p = spawn(process.execPath, ['--import', 'tsx', child, url, spoolDir, key, '250'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      p.stdout.on('data', (d: Buffer) => d.toString().includes('durable') && resolve());
      p.on('exit', () => reject(new Error('child exited early')));
    });
    p.kill('SIGKILL');
    await new Promise((r) => p.once('exit', r));
    const count = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Decision" WHERE "apiKeyId" = $1`, [key])).rows[0].n;
    expect(await count()).toBe(0); // nothing had reached Postgres: only the journal had them

    const journal = readdirSync(spoolDir).filter((f) => f.startsWith('journal-'));
    expect(journal.length).toBeGreaterThan(0);
    expect(statSync(join(spoolDir, journal[0])).mode & 0o777).toBe(0o600);

    const next = createRecorder({ url, spoolDir, log: () => undefined });
    await new Promise((r) => setTimeout(r, 200));
    await next.close();
    expect(await count()).toBe(250);
    const rollup = await db.query<{ n: number }>(`SELECT sum("count")::int AS n FROM "DecisionRollup" WHERE "apiKeyId" = $1`, [key]);
    expect(rollup.rows[0].n).toBe(250);
    expect(readdirSync(spoolDir).filter((f) => f.startsWith('journal-'))).toEqual([]);
  });
});

describe('a fresh data folder', () => {
  it('creates the journal folder, so the first answers are journaled', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'journal-fresh-')), 'spool', 'nested');
    const errors: string[] = [];
    const j = createJournal(dir, (_level, msg) => errors.push(msg));
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    await j.close();
    expect(errors).toEqual([]);
  });
});

describe('journal sync modes', () => {
  const decision = (i: number) => ({ id: uuidv7(), n: i }) as unknown as Parameters<ReturnType<typeof createJournal>['append']>[0];
  const segmentText = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('journal-')).map((f) => readFileSync(join(dir, f), 'utf8')).join('');

  for (const sync of ['interval', 'answer'] as const) {
    it(`${sync}: a decision is in the file as soon as append returns (a kill -9 cannot lose it), and synced() resolves`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `journal-${sync}-`));
      const j = createJournal(dir, () => undefined, { sync, syncIntervalMs: 5 });
      const d = decision(1);
      j.append(d);
      expect(segmentText(dir)).toContain(d.id); // no await between append and the read
      await j.committed();
      await j.synced();
      for (let i = 0; i < 50; i++) j.append(decision(i));
      await Promise.all([j.committed(), j.synced()]);
      expect(segmentText(dir).trim().split('\n')).toHaveLength(51);
      const { path, done } = j.rotate();
      j.append(decision(99));
      await done;
      expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(51);
      await j.close();
      expect(readdirSync(dir).filter((f) => f.startsWith('journal-'))).toEqual([basename(path)]);
    });
  }
});
