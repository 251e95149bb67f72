// Vitest global setup. Integration tests read TEST_DATABASE_URL (a real Postgres); the database
// is migrated once here so test files can run in parallel. Replaced by the db module's migrate().
export default async function setup(): Promise<void> {
  const { migrateTestDatabase } = await import('./db-setup');
  await migrateTestDatabase();
}
