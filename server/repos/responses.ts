// Stored Responses API answers (the ResponseStore port) in Postgres, one row per response.
import type { Prisma, PrismaClient } from '../db/client';
import type { ResponseStore, StoredResponse } from '../contracts/responses';
import type { ChatMessage } from '../tiers/types';

export function responseStore(prisma: PrismaClient): ResponseStore {
  return {
    async save(r: StoredResponse) {
      await prisma.storedResponse.create({
        data: { id: r.id, tenant: r.tenant, apiKeyId: r.apiKeyId, conversation: r.conversation as unknown as Prisma.InputJsonValue, response: r.response as Prisma.InputJsonValue },
      });
    },
    async load(tenant: string, id: string) {
      const row = await prisma.storedResponse.findFirst({ where: { id, tenant } });
      if (!row) return null;
      return { id: row.id, tenant: row.tenant, apiKeyId: row.apiKeyId, conversation: row.conversation as unknown as ChatMessage[], response: row.response as Record<string, unknown> };
    },
    async delete(tenant: string, id: string) {
      return (await prisma.storedResponse.deleteMany({ where: { id, tenant } })).count > 0;
    },
  };
}
