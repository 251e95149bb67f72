// Applies prisma/migrations/*/migration.sql in name order, offline, on a real Postgres or the
// embedded one. Bookkeeping is Prisma's own `_prisma_migrations` table, so `prisma migrate status`
// (where an engine is available) sees the same history. Each migration runs in its own
// transaction together with its bookkeeping row: it is applied entirely or not at all. A session
// advisory lock makes two processes starting at once apply each migration exactly once.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { utcSessionUrl } from './utc';
import { ensureMonthlyPartitions, monthsAround } from './partitions';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'prisma', 'migrations');
/** Arbitrary constant shared by every Cascade process (the bytes of "cascade-m"). */
const LOCK_KEY = 72_155_014_221;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  if (!existsSync(dir)) throw new Error(`migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const bookkeeping = (t: string) => `CREATE TABLE IF NOT EXISTS ${t} (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateResult {
  applied: string[];
  partitionsCreated: string[];
}

export interface MigrateOptions {
  dir?: string;
  now?: Date;
  /** Postgres schema to migrate (default: the URL's `?schema=`, else the connection's default). */
  schema?: string;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Applies pending migrations to the database at `url`, then prepares decision partitions. */
export async function migrate(url: string, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = listMigrations(opts.dir);
  // Prisma's URL convention `?schema=name`; pg does not know the parameter, so it is taken out.
  const u = new URL(url);
  const schema = opts.schema ?? (u.searchParams.get('schema') || undefined);
  u.searchParams.delete('schema');
  // The schema is set per transaction (SET LOCAL), never per session: the embedded Postgres is one
  // backend session shared by every connection, so a session setting would leak to all of them.
  const table = schema ? `${ident(schema)}."_prisma_migrations"` : `"_prisma_migrations"`;
  const client = new pg.Client({ connectionString: utcSessionUrl(u.toString()) });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('SET client_min_messages = warning');
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
      await client.query(bookkeeping(table));
      const done = new Map(
        (
          await client.query<{ migration_name: string; checksum: string }>(
            `SELECT migration_name, checksum FROM ${table} WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          )
        ).rows.map((r) => [r.migration_name, r.checksum]),
      );
      for (const m of migrations) {
        const previous = done.get(m.name);
        if (previous !== undefined) {
          if (previous !== m.checksum) {
            throw new Error(`migration ${m.name} was changed after it was applied (checksum differs); add a new migration instead`);
          }
          continue;
        }
        if (await applyOne(client, m, table, schema)) applied.push(m.name);
      }
      const partitionsCreated = await ensureMonthlyPartitions(client, monthsAround(opts.now ?? new Date(), 1, 3), schema);
      return { applied, partitionsCreated };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

async function applyOne(client: pg.Client, m: Migration, table: string, schema: string | undefined): Promise<boolean> {
  try {
    await client.query('BEGIN');
    if (schema) await client.query(`SET LOCAL search_path TO ${ident(schema)}, public`);
    // Checked again inside the transaction: on the embedded Postgres the advisory lock is shared
    // by all connections (one session), but transactions there run one at a time.
    const done = await client.query(`SELECT 1 FROM ${table} WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL`, [m.name]);
    if (done.rowCount) {
      await client.query('COMMIT');
      return false;
    }
    // No parameters: the simple query protocol runs the whole multi-statement file.
    await client.query(m.sql);
    await client.query(
      `INSERT INTO ${table} (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), now(), 1)`,
      [randomUUID(), m.checksum, m.name],
    );
    await client.query('COMMIT');
    return true;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(`migration ${m.name} failed and was rolled back: ${msg}`, { cause: err });
  }
}
