// Users and roles (admin only). Passwords are hashed by the users repository (argon2).
import { z } from 'zod';
import { ROLES } from '../../contracts/principal';
import { adminProcedure, createTRPCRouter } from '../trpc';
import { actorOf } from './tiers';

export const usersRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => ctx.runtime.stores.users.list()),

  create: adminProcedure
    .input(
      z.object({
        email: z.string().trim().toLowerCase().email('a valid email is required'),
        name: z.string().trim().max(100).default(''),
        role: z.enum(ROLES).default('user'),
        password: z.string().min(8, 'password must have at least 8 characters').max(1024),
      }),
    )
    .mutation(({ ctx, input }) => ctx.runtime.stores.users.create(input, actorOf(ctx.principal))),

  setRole: adminProcedure
    .input(z.object({ id: z.string().min(1), role: z.enum(ROLES) }))
    .mutation(({ ctx, input }) => ctx.runtime.stores.users.setRole(input.id, input.role, actorOf(ctx.principal))),
});
