// Batch jobs for the console (analyst role): create from the lines of a JSON Lines file, read
// progress and results with the cost summary, cancel. The runner lives in server/batch; the job
// list the console polls is analytics.batchJobs (server/analytics/admin-reads.ts).
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { MAX_LINES, parseLines } from '../../batch';
import { analystProcedure, createTRPCRouter } from '../trpc';

const idInput = z.object({ id: z.string().trim().min(1).max(100) });

function notFound(id: string): TRPCError {
  return new TRPCError({ code: 'NOT_FOUND', message: `No batch job ${JSON.stringify(id)}.` });
}

export const batchRouter = createTRPCRouter({
  /** `lines`: parsed JSON objects or raw JSON strings, one per request; bad ones become failed items with their own error. */
  create: analystProcedure
    .input(z.object({ name: z.string().trim().min(1, 'name is required').max(200), lines: z.array(z.unknown()).min(1, 'the batch has no requests').max(MAX_LINES, `at most ${MAX_LINES} requests per batch`) }))
    .mutation(async ({ ctx, input }) => {
      const lines = parseLines(input.lines);
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
    return r;
  }),

  cancel: analystProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    const job = await ctx.runtime.batches.get(input.id);
    if (!job) throw notFound(input.id);
    const cancelled = await ctx.runtime.batches.cancel(input.id);
    if (!cancelled) throw new TRPCError({ code: 'CONFLICT', message: `The job is already ${job.status}.` });
    return (await ctx.runtime.batches.get(input.id)) ?? job;
  }),
});
