// Gives the test run one migrated Postgres. With TEST_DATABASE_URL (CI, `.ci/run`) that database is
// migrated once; without it an in-memory embedded Postgres is started for the run and its URL is
// exported as TEST_DATABASE_URL, which the forked test workers inherit.
import { createPrisma } from '../server/db/client';
import { migrate } from '../server/db/migrate';
import { ensureSeed } from '../server/repos/seed';

/**
 * Seeds the simulated tiers and the default policy once, before any test file runs: the first
 * runtime seeds only an install with no tiers, so a test that adds a tier of its own first (they run
 * in parallel) would otherwise leave the run without the simulated tiers the default policy names.
 * Each runtime then points the simulated tiers at its own simulator, as on a real start.
 */
async function seed(url: string): Promise<void> {
  const prisma = createPrisma(url, { poolSize: 1 });
  try {
    await ensureSeed(prisma, { simulatorBaseUrl: 'http://127.0.0.1:9/v1', adminPassword: 'test-admin-password' });
  } finally {
    await prisma.$disconnect();
  }
}

export async function migrateTestDatabase(): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    await migrate(given);
    await seed(given);
    return async () => {};
  }
  const { startEmbeddedPostgres } = await import('../server/db/embedded');
  const pg = await startEmbeddedPostgres({ dataDir: null, maxConnections: 200 });
  try {
    await migrate(pg.url);
    await seed(pg.url);
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
