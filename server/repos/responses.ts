// Stored Responses API answers (the ResponseStore port) in Postgres, one row per response. A row
// past the retention period is invisible to reads at once and deleted by purgeExpired (the purge
// job), so expiry does not wait for the job.
import type { Prisma, PrismaClient } from '../db/client';
import type { ResponseStore, StoredResponse } from '../contracts/responses';
import type { ChatMessage } from '../tiers/types';

export interface ResponseStoreOptions {
  /** How long a response is kept; 0 or unset: forever. */
  retentionMs?: number;
  /** Rows deleted per statement by the purge (keeps each DELETE's locks and WAL short). */
  purgeBatch?: number;
}

export function responseStore(prisma: PrismaClient, opts: ResponseStoreOptions = {}): ResponseStore {
  const retentionMs = opts.retentionMs ?? 0;
  const batch = opts.purgeBatch ?? 5_000;
  const cutoff = (now = new Date()) => new Date(now.getTime() - retentionMs);
  const fresh = () => (retentionMs > 0 ? { createdAt: { gte: cutoff() } } : {});
  return {
    async save(r: StoredResponse) {
      await prisma.storedResponse.create({
        data: {
          id: r.id, tenant: r.tenant, apiKeyId: r.apiKeyId,
          conversation: r.conversation as unknown as Prisma.InputJsonValue,
          response: r.response as Prisma.InputJsonValue,
          input: r.input as Prisma.InputJsonValue,
        },
      });
    },
    async load(tenant: string, id: string) {
      const row = await prisma.storedResponse.findFirst({ where: { id, tenant, ...fresh() } });
      if (!row) return null;
      return {
        id: row.id, tenant: row.tenant, apiKeyId: row.apiKeyId,
        conversation: row.conversation as unknown as ChatMessage[],
        response: row.response as Record<string, unknown>,
        input: (row.input as Record<string, unknown>[] | null) ?? [],
      };
    },
    async delete(tenant: string, id: string) {
      return (await prisma.storedResponse.deleteMany({ where: { id, tenant } })).count > 0;
    },
    async purgeExpired(now = new Date()) {
      if (retentionMs <= 0) return 0;
      const before = cutoff(now);
      let total = 0;
      for (;;) {
        const n = await prisma.$executeRaw`DELETE FROM "StoredResponse" WHERE "id" IN (SELECT "id" FROM "StoredResponse" WHERE "createdAt" < ${before} LIMIT ${batch})`;
        total += n;
        if (n < batch) return total;
      }
    },
  };
}
