// The bench's Postgres: a fresh database (created, migrated, dropped afterwards) on the server of
// TEST_DATABASE_URL when one is configured; otherwise none, and Cascade starts its embedded Postgres
// in its own process (the product's zero-config mode).
import { env } from '../../server/env';
import { freshDatabase } from '../../test/fixtures/resources';

export interface BenchDatabase {
  /** undefined: Cascade uses its embedded Postgres. */
  url: string | undefined;
  kind: 'fresh database on TEST_DATABASE_URL server' | 'embedded (in the Cascade process)';
  drop(): Promise<void>;
}

export async function benchDatabase(): Promise<BenchDatabase> {
  const base = env().TEST_DATABASE_URL;
  if (!base) return { url: undefined, kind: 'embedded (in the Cascade process)', drop: async () => {} };
  const db = await freshDatabase(base, 'router_bench');
  return { ...db, kind: 'fresh database on TEST_DATABASE_URL server' };
}
