// A throw-away database holding exactly what the migrations produce: the "from" side when Cascade
// generates a new migration or checks that schema.prisma and the migrations agree. On a real
// Postgres it is a temporary Postgres schema (dropped afterwards); without one, an in-memory
// embedded PGlite.
import pg from 'pg';
import { startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';
import { diffDatabaseToSchema } from './schema-engine';

/** SQL from "all migrations applied" to prisma/schema.prisma; '' when they agree. */
export async function pendingSchemaChanges(url?: string): Promise<string> {
  if (!url) {
    const db = await startEmbeddedPostgres({ dataDir: null, maxConnections: 8 });
    try {
      await migrate(db.url);
      return await diffDatabaseToSchema(db.url);
    } finally {
      await db.stop();
    }
  }
  const name = `cascade_scratch_${Date.now().toString(36)}_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA "${name}"`);
    await migrate(url, { schema: name });
    return await diffDatabaseToSchema(url, { dbSchema: name });
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}
