// API keys: created by admins and shown exactly once, stored hashed, revocable.
import { z } from 'zod';
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
      }),
    )
    .mutation(({ ctx, input }) => ctx.runtime.stores.apiKeys.create(input, actorOf(ctx.principal))),

  revoke: adminProcedure
    .input(z.object({ id: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.runtime.stores.apiKeys.revoke(input.id, actorOf(ctx.principal))),
});
