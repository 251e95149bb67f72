// Migrates the test database once per run. Filled in by the db layer (server/db/migrate.ts).
export async function migrateTestDatabase(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  try {
    const mod = await import('../server/db/migrate');
    if (typeof mod.migrate === 'function') await mod.migrate(url);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return;
    throw err;
  }
}
