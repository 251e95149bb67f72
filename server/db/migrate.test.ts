// The migration runner against the run's Postgres (TEST_DATABASE_URL), each test in its own
// Postgres schema so that "fresh database" cases do not disturb other test files.
import { cpSync, mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { diffDatabaseToSchema } from './schema-engine';
import { listMigrations, migrate, MIGRATIONS_DIR } from './migrate';

const base = process.env.TEST_DATABASE_URL!;
const admin = new pg.Pool({ connectionString: base, max: 2 });
const schemas: string[] = [];

/** A new, empty Postgres schema, addressed Prisma-style as `?schema=` (migrate understands it). */
async function freshSchema(): Promise<{ name: string; url: string }> {
  const name = `mig_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await admin.query(`CREATE SCHEMA "${name}"`);
  schemas.push(name);
  const u = new URL(base);
  u.searchParams.set('schema', name);
  return { name, url: u.toString() };
}

async function tables(schema: string): Promise<string[]> {
  const r = await admin.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [schema]);
  return r.rows.map((x) => x.t);
}

afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA "${s}" CASCADE`);
  await admin.end();
});

describe('migrate', () => {
  it('the migrated test database matches prisma/schema.prisma (wasm schema engine diff is empty)', { timeout: 240_000 }, async () => {
    expect(await diffDatabaseToSchema(base)).toBe('');
  });

  it('applies every migration once, records it, and creates monthly decision partitions', async () => {
    const { name, url } = await freshSchema();
    const first = await migrate(url, { now: new Date('2031-05-17T10:00:00Z') });
    expect(first.applied).toEqual(listMigrations().map((m) => m.name));
    expect(first.partitionsCreated).toContain('Decision_y2031m05');
    expect(first.partitionsCreated).toContain('DecisionAttempt_y2031m08');
    const t = await tables(name);
    expect(t).toEqual(expect.arrayContaining(['Decision', 'DecisionRollup', 'Tier', 'User', '_prisma_migrations', 'Decision_default']));
    const again = await migrate(url, { now: new Date('2031-05-17T10:00:00Z') });
    expect(again).toEqual({ applied: [], partitionsCreated: [] });
    const rows = await admin.query(`SELECT migration_name, finished_at FROM "${name}"."_prisma_migrations"`);
    expect(rows.rows).toHaveLength(listMigrations().length);
    expect(rows.rows.every((r: { finished_at: Date | null }) => r.finished_at !== null)).toBe(true);
  });

  it('two processes migrating at once apply each migration exactly once', async () => {
    const { name, url } = await freshSchema();
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    expect([...a.applied, ...b.applied].sort()).toEqual(listMigrations().map((m) => m.name));
    const rows = await admin.query(`SELECT count(*)::int AS n FROM "${name}"."_prisma_migrations"`);
    expect(rows.rows[0].n).toBe(listMigrations().length);
  });

  it('a failing migration is rolled back whole and reported by name; the next run retries it', async () => {
    const { name, url } = await freshSchema();
    const dir = mkdtempSync(join(tmpdir(), 'cascade-mig-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    mkdirSync(join(dir, '29990101000000_broken'));
    writeFileSync(join(dir, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE "Half" (id int);\nSELECT * FROM "NoSuchTable";\n');
    await expect(migrate(url, { dir })).rejects.toThrow(/29990101000000_broken failed and was rolled back/);
    expect(await tables(name)).not.toContain('Half');
    const rows = await admin.query(`SELECT migration_name FROM "${name}"."_prisma_migrations"`);
    expect(rows.rows.map((r: { migration_name: string }) => r.migration_name)).toEqual(listMigrations().map((m) => m.name));
    writeFileSync(join(dir, '29990101000000_broken', 'migration.sql'), 'CREATE TABLE "Half" (id int);\n');
    await expect(migrate(url, { dir })).resolves.toMatchObject({ applied: ['29990101000000_broken'] });
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    const { url } = await freshSchema();
    const dir = mkdtempSync(join(tmpdir(), 'cascade-mig-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    await migrate(url, { dir });
    const first = listMigrations(dir)[0];
    writeFileSync(join(dir, first.name, 'migration.sql'), `${first.sql}\n-- edited\n`);
    await expect(migrate(url, { dir })).rejects.toThrow(/was changed after it was applied/);
  });
});
