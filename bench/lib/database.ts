// The bench's Postgres: a fresh database (created, migrated, dropped afterwards) on the server of
// TEST_DATABASE_URL when one is configured; otherwise none, and Cascade starts its embedded Postgres
// in its own process (the product's zero-config mode).
import pg from 'pg';
import { env } from '../../server/env';
import { migrate } from '../../server/db/migrate';

export interface BenchDatabase {
  /** undefined: Cascade uses its embedded Postgres. */
  url: string | undefined;
  kind: 'fresh database on TEST_DATABASE_URL server' | 'embedded (in the Cascade process)';
  drop(): Promise<void>;
}

export async function benchDatabase(): Promise<BenchDatabase> {
  const base = env().TEST_DATABASE_URL;
  if (!base) return { url: undefined, kind: 'embedded (in the Cascade process)', drop: async () => {} };
  const name = `cascade_router_bench_${Date.now().toString(36)}_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  const url = u.toString();
  await migrate(url);
  return {
    url,
    kind: 'fresh database on TEST_DATABASE_URL server',
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
