// Several replicas starting at once against an empty database: each migration is applied exactly
// once (the runner's advisory lock), every process starts, and none sees a half-migrated schema.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { listMigrations } from '../../server/db/migrate';
import { realPostgresUrl } from '../fixtures/scale-cluster';

// A real Postgres only: the embedded one is a single process's database.
const BASE = await realPostgresUrl();
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function migrateInChild(url: string): Promise<{ code: number | null; applied: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fixtures/migrate-child.ts'), url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.once('exit', (code) => resolve({ code, applied: out ? (JSON.parse(out) as { applied: string[] }).applied : [] }));
  });
}

describe.skipIf(!BASE)('replicas starting at once', () => {
  it('four processes migrating one empty database apply each migration exactly once', async () => {
    const name = `cascade_start_${Date.now().toString(36)}_${process.pid}`;
    const admin = new pg.Client({ connectionString: BASE! });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const u = new URL(BASE!);
    u.pathname = `/${name}`;
    try {
      const results = await Promise.all(Array.from({ length: 4 }, () => migrateInChild(u.toString())));
      expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
      const all = listMigrations().map((m) => m.name);
      // the first to take the lock applied everything; the others found nothing left to do
      expect(results.flatMap((r) => r.applied).sort()).toEqual([...all].sort());
      const c = new pg.Client({ connectionString: u.toString() });
      await c.connect();
      const rows = await c.query<{ migration_name: string; n: string }>('SELECT migration_name, count(*) AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL GROUP BY 1').finally(() => c.end());
      expect(rows.rows.map((r) => r.migration_name).sort()).toEqual([...all].sort());
      expect(rows.rows.every((r) => r.n === '1')).toBe(true);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  }, 120_000);
});
