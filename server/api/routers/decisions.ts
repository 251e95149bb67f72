// Decisions read side: one decision with its attempts, and a cursor-paginated filtered list.
// Users see their own decisions; analysts and admins see everyone's.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { BANDS } from '../../complexity/types';
import { hasRole } from '../../auth/roles';
import { withoutNul } from '../../lib/text-storage';
import { authedProcedure, createTRPCRouter } from '../trpc';

export const decisionFiltersInput = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  tier: z.string().min(1).optional(),
  band: z.enum(BANDS).optional(),
  status: z.enum(['ok', 'error', 'partial', 'rejected']).optional(),
  cacheStatus: z.enum(['miss', 'exact', 'semantic', 'bypass', 'off']).optional(),
  apiKeyId: z.string().min(1).optional(),
  policyVersion: z.number().int().nonnegative().optional(),
  // Stored text has U+FFFD where a NUL was (Postgres text cannot hold U+0000): search for the same.
  q: z.string().trim().min(1).max(200).transform(withoutNul).optional(),
});

export const decisionsRouter = createTRPCRouter({
  get: authedProcedure.input(z.object({ id: z.string().uuid('id must be a decision id (UUID)') })).query(async ({ ctx, input }) => {
    const d = await ctx.runtime.stores.decisions.get(input.id);
    const mine = d && (d.principalId === ctx.principal.id || hasRole(ctx.principal.role, 'analyst'));
    if (!d || !mine) throw new TRPCError({ code: 'NOT_FOUND', message: `No decision ${input.id}.` });
    return d;
  }),

  list: authedProcedure
    .input(
      z.object({
        filters: decisionFiltersInput.default({}),
        cursor: z.string().nullish(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(async ({ ctx, input }) => {
      if (input.filters.from && input.filters.to && input.filters.from > input.filters.to) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'filters.from must be before filters.to' });
      }
      const own = hasRole(ctx.principal.role, 'analyst') ? {} : { principalId: ctx.principal.id };
      return ctx.runtime.stores.decisions.list({ ...input.filters, ...own }, { cursor: input.cursor, limit: input.limit });
    }),
});
