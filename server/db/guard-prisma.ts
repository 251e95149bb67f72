// Every operation of a Prisma client (model calls and raw queries, inside transactions too) runs
// through the database guard.
import type { PrismaClient } from '../db/generated/client';
import type { DbGuard } from './guard';

export function guardPrisma(client: PrismaClient, guard: DbGuard): PrismaClient {
  const extended = client.$extends({
    name: 'db-guard',
    query: {
      $allOperations({ args, query }) {
        return guard.run(() => query(args));
      },
    },
  });
  // $extends returns the same client with a wider type; callers only need PrismaClient's surface.
  return extended as unknown as PrismaClient;
}
