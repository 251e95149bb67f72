// API keys: created by admins and shown exactly once, stored hashed, revocable; optionally expiring
// and limited to some tiers. A key never outranks its creator as the creator is now.
import { z } from 'zod';
import { DomainError } from '../../lib/errors';
import { ROLES } from '../../contracts/principal';
import { adminProcedure, createTRPCRouter } from '../trpc';
import { actorOf } from './tiers';

export const apiKeysRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => ctx.runtime.stores.apiKeys.list()),

  create: adminProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, 'name is required').max(100),
        tenant: z.string().trim().min(1).max(100).regex(/^[\w.-]+$/, 'tenant may use letters, digits, . _ -').default('default'),
        role: z.enum(ROLES).default('user'),
        /** Days until the key stops working; absent or null: never. */
        expiresInDays: z.number().int('whole days').min(1, 'at least 1 day').max(3650, 'at most 10 years').nullish(),
        /** Tier names; empty: any tier. */
        allowedTiers: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
      }),
    )
    .mutation(({ ctx, input }) => {
      const known = new Set(ctx.runtime.tiers.list().map((t) => t.name));
      const unknown = input.allowedTiers.filter((t) => !known.has(t));
      if (unknown.length) {
        const message = `unknown tier ${unknown.join(', ')}; known: ${[...known].join(', ')}`;
        throw new DomainError('validation', message, { issues: [{ path: 'allowedTiers', message }] });
      }
      const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
      return ctx.runtime.stores.apiKeys.create(
        { name: input.name, tenant: input.tenant, role: input.role, expiresAt, allowedTiers: [...new Set(input.allowedTiers)] },
        actorOf(ctx.principal),
      );
    }),

  revoke: adminProcedure
    .input(z.object({ id: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.runtime.stores.apiKeys.revoke(input.id, actorOf(ctx.principal))),
});
