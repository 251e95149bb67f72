// The signed-in user's own account: who am I, change my password. Sessions only: an API key has
// no password and no account page.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { authedProcedure, createTRPCRouter } from '../trpc';
import { actorOf } from './tiers';

const sessionProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.principal.kind !== 'user' || !ctx.principal.userId) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This is for signed-in users; API keys have no account.' });
  }
  return next({ ctx: { ...ctx, userId: ctx.principal.userId } });
});

export const accountRouter = createTRPCRouter({
  me: sessionProcedure.query(async ({ ctx }) => {
    const state = await ctx.runtime.accounts.get(ctx.userId);
    return { id: ctx.userId, email: ctx.principal.name, role: ctx.principal.role, mustChangePassword: state?.mustChangePassword ?? false };
  }),

  /** Ends every session of the user, this one included: the page signs in again with the new password. */
  changePassword: sessionProcedure
    .input(
      z.object({
        current: z.string().min(1, 'enter your current password').max(1024),
        next: z.string().min(10, 'the new password needs at least 10 characters').max(1024),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const u = await ctx.runtime.stores.users.changePassword(ctx.userId, input.current, input.next, actorOf(ctx.principal));
      return { email: u.email };
    }),
});
