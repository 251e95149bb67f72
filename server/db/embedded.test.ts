// The embedded Postgres: starts on loopback, takes migrations, keeps data across a restart, and
// refuses a data folder that another live process owns.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { connectDatabase } from './client';
import { startEmbeddedPostgres } from './embedded';
import { listMigrations, migrate } from './migrate';

describe('embedded Postgres', () => {
  it('starts, migrates, and persists across a restart', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-emb-'));
    const first = await startEmbeddedPostgres({ dataDir: dir, maxConnections: 4 });
    expect(first.url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/postgres/);
    try {
      expect((await migrate(first.url)).applied).toEqual(listMigrations().map((m) => m.name));
      const c = new pg.Client({ connectionString: first.url });
      await c.connect();
      await c.query(`INSERT INTO "Tier" (id, name, role, "baseUrl", model) VALUES ('t1', 'persisted', 'small', 'http://x/v1', 'm')`);
      await c.end();
    } finally {
      await first.stop();
    }
    const second = await startEmbeddedPostgres({ dataDir: dir, maxConnections: 4 });
    try {
      expect((await migrate(second.url)).applied).toEqual([]);
      const c = new pg.Client({ connectionString: second.url });
      await c.connect();
      const r = await c.query(`SELECT name FROM "Tier" WHERE id = 't1'`);
      await c.end();
      expect(r.rows).toEqual([{ name: 'persisted' }]);
    } finally {
      await second.stop();
    }
  });

  it('refuses a data folder locked by another live process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cascade-emb-'));
    writeFileSync(join(dir, 'cascade.lock'), String(process.ppid));
    await expect(startEmbeddedPostgres({ dataDir: dir })).rejects.toThrow(/in use by process/);
  });

  it('connectDatabase with a URL migrates it and hands out a working Prisma client', async () => {
    const db = await connectDatabase({ url: process.env.TEST_DATABASE_URL! });
    try {
      expect(db.embedded).toBe(false);
      expect(await db.prisma.policyVersion.count()).toBeGreaterThanOrEqual(0);
      expect(await connectDatabase()).toBe(db);
    } finally {
      await db.close();
    }
  });
});
