// Batch jobs for the console (analyst role): list, create from the lines of a JSON Lines file, read
// progress and results with the cost summary (and what the same answers would have cost on the
// large tier), cancel. The runner lives in server/batch.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { listBatchJobs } from '../../analytics/admin-reads';
import { parseLines } from '../../batch';
import type { ItemResult } from '../../batch/types';
import { getPrisma } from '../../db/client';
import type { Runtime } from '../../runtime';
import { analystProcedure, createTRPCRouter } from '../trpc';
import { batchCreateInput } from './batch-input';
import { batchSavings } from './batch-savings';

const idInput = z.object({ id: z.string().trim().min(1).max(100) });

function notFound(id: string): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `No batch job ${JSON.stringify(id)}.` });
}

/** The baseline: the active policy's large tier (its current prices). */
function savingsOf(runtime: Runtime, items: readonly ItemResult[]) {
  const large = runtime.tiers.byName(runtime.policy.current().policy.targets.large);
  return batchSavings(items, large);
}

export const batchRouter = createTRPCRouter({
  /** Newest jobs first with their per-tier progress (the page polls this while a job runs). */
  list: analystProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(({ input }) => listBatchJobs((text, params) => getPrisma().$queryRawUnsafe(text, ...params), input.limit)),

  /** `lines`: parsed JSON objects or raw JSON strings, one per request; bad ones become failed items with their own error. */
  create: analystProcedure
    .input(batchCreateInput)
    .mutation(async ({ ctx, input }) => {
      const lines = parseLines(input.lines);
      const bad = lines.filter((l) => l.error !== null);
      if (bad.length === lines.length) {
        const shown = bad.slice(0, 5).map((l) => `line ${l.line}: ${l.error}`).join('; ');
        throw new TRPCError({ code: 'BAD_REQUEST', message: `None of the ${lines.length} lines is a valid request (${shown}${bad.length > 5 ? '; …' : ''}).` });
      }
      const job = await ctx.runtime.batches.create(ctx.principal, { name: input.name, lines });
      return { job, lineErrors: lines.flatMap((l) => (l.error === null ? [] : [{ line: l.line, message: l.error }])).slice(0, 100) };
    }),

  get: analystProcedure.input(idInput).query(async ({ ctx, input }) => {
    const job = await ctx.runtime.batches.get(input.id);
    if (!job) throw notFound(input.id);
    return job;
  }),

  /** Every item in line order plus the cost summary (the JSON Lines download is these rows, then the summary). */
  results: analystProcedure.input(idInput).query(async ({ ctx, input }) => {
    const r = await ctx.runtime.batches.results(input.id);
    if (!r) throw notFound(input.id);
    return { ...r, savings: savingsOf(ctx.runtime, r.items) };
  }),

  /** The cost summary alone (no item bodies): what the page shows under a job. */
  summary: analystProcedure.input(idInput).query(async ({ ctx, input }) => {
    const r = await ctx.runtime.batches.results(input.id);
    if (!r) throw notFound(input.id);
    return { summary: r.summary, savings: savingsOf(ctx.runtime, r.items) };
  }),

  cancel: analystProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    const job = await ctx.runtime.batches.get(input.id);
    if (!job) throw notFound(input.id);
    const cancelled = await ctx.runtime.batches.cancel(input.id);
    if (!cancelled) throw new TRPCError({ code: 'CONFLICT', message: `The job is already ${job.status}.` });
    return (await ctx.runtime.batches.get(input.id)) ?? job;
  }),
});
