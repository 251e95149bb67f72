// Gives the test run one migrated Postgres. With TEST_DATABASE_URL (CI, `.ci/run`) that database is
// migrated once; without it an in-memory embedded Postgres is started for the run and its URL is
// exported as TEST_DATABASE_URL, which the forked test workers inherit.
import { migrate } from '../server/db/migrate';

export async function migrateTestDatabase(): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    await migrate(given);
    return async () => {};
  }
  const { startEmbeddedPostgres } = await import('../server/db/embedded');
  const pg = await startEmbeddedPostgres({ dataDir: null, maxConnections: 200 });
  try {
    await migrate(pg.url);
  } catch (err) {
    await pg.stop();
    throw err;
  }
  process.env.TEST_DATABASE_URL = pg.url;
  // Tests that need a real server (pg_dump, many connections: the chaos suite) skip on this one.
  process.env.TEST_DATABASE_EMBEDDED = '1';
  process.stdout.write(`[test] no TEST_DATABASE_URL: using an embedded Postgres at ${pg.url}\n`);
  return () => pg.stop();
}
