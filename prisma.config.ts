import { defineConfig } from 'prisma/config';

// The datasource URL is only needed by CLI commands that talk to a database; Cascade applies
// migrations itself (server/db/migrate.ts), so generate works without one.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
