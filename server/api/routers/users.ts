// Users and roles (admin only). Passwords are hashed by the users repository (argon2). Every
// change ends the user's open sessions; the store refuses to leave no active admin.
import { z } from 'zod';
import { ROLES } from '../../contracts/principal';
import { adminProcedure, createTRPCRouter } from '../trpc';
import { actorOf } from './tiers';

const id = z.object({ id: z.string().min(1).max(100) });

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
    .input(id.extend({ role: z.enum(ROLES) }))
    .mutation(({ ctx, input }) => ctx.runtime.stores.users.setRole(input.id, input.role, actorOf(ctx.principal))),

  setDisabled: adminProcedure
    .input(id.extend({ disabled: z.boolean() }))
    .mutation(({ ctx, input }) => ctx.runtime.stores.users.setDisabled(input.id, input.disabled, actorOf(ctx.principal))),

  /** A temporary password, shown once to the admin; the user must replace it at the next sign-in. */
  resetPassword: adminProcedure
    .input(id)
    .mutation(({ ctx, input }) => ctx.runtime.stores.users.resetPassword(input.id, actorOf(ctx.principal))),

  remove: adminProcedure.input(id).mutation(({ ctx, input }) => ctx.runtime.stores.users.remove(input.id, actorOf(ctx.principal))),
});
