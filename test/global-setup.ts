// Vitest global setup: one migrated Postgres for the whole run (see test/db-setup.ts), so test
// files can run in parallel against it with unique ids instead of truncating tables.
export default async function setup(): Promise<() => Promise<void>> {
  const { migrateTestDatabase } = await import('./db-setup');
  return migrateTestDatabase();
}
