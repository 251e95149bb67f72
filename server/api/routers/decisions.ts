// Decisions read side: one decision with its attempts, and a cursor-paginated filtered list.
// Who sees which decision is one rule, server/auth/visibility.ts (own; console analysts all; analyst
// keys their tenant's); one that may not be read is a 404 like one that does not exist.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { BANDS } from '../../complexity/types';
import { DOORS } from '../../contracts/chat';
import { withoutNul } from '../../lib/text-storage';
import { canReadDecision, decisionScope } from '../../auth/visibility';
import { authedProcedure, createTRPCRouter } from '../trpc';

export const decisionFiltersInput = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  tier: z.string().min(1).optional(),
  band: z.enum(BANDS).optional(),
  status: z.enum(['ok', 'error', 'partial', 'rejected']).optional(),
  cacheStatus: z.enum(['miss', 'exact', 'semantic', 'bypass', 'off']).optional(),
  door: z.enum(DOORS).optional(),
  apiKeyId: z.string().min(1).optional(),
  policyVersion: z.number().int().nonnegative().optional(),
  // Stored text has U+FFFD where a NUL was (Postgres text cannot hold U+0000): search for the same.
  q: z.string().trim().min(1).max(200).transform(withoutNul).optional(),
});

export const decisionsRouter = createTRPCRouter({
  get: authedProcedure.input(z.object({ id: z.string().uuid('id must be a decision id (UUID)') })).query(async ({ ctx, input }) => {
    const owner = await ctx.runtime.stores.decisions.owner(input.id);
    const d = owner && canReadDecision(ctx.principal, owner) ? await ctx.runtime.stores.decisions.get(input.id) : null;
    if (!d) throw new TRPCError({ code: 'NOT_FOUND', message: `No decision ${input.id}.` });
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
      return ctx.runtime.stores.decisions.list({ ...input.filters, ...decisionScope(ctx.principal) }, { cursor: input.cursor, limit: input.limit });
    }),
});
