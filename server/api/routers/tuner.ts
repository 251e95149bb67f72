// The auto-tuner and quality monitoring over tRPC. Thin: the runtime's tuner scheduler
// (server/runtime/tuner-scheduler.ts) runs server/tuning; success rates come from the feedback rollups.
// `tuner.decide` is what the console's TunerAdmin calls; approve / reject are the same, named.
import { z } from 'zod';
import { SUCCESS_DIMENSIONS } from '../../feedback/rollup';
import { PROPOSAL_STATUSES } from '../../runtime/tuner-scheduler';
import { adminProcedure, analystProcedure, createTRPCRouter } from '../trpc';
import { actorOf } from './tiers';

const id = z.string().trim().min(1, 'proposal id is required').max(100);
const reason = z.string().trim().max(500).default('');

export const tunerRouter = createTRPCRouter({
  proposals: adminProcedure
    .input(z.object({ status: z.enum(PROPOSAL_STATUSES).optional(), limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(({ ctx, input }) => ctx.runtime.tuner.proposals(input.status, input.limit)),

  approve: adminProcedure.input(z.object({ id })).mutation(({ ctx, input }) => ctx.runtime.tuner.approve(input.id, actorOf(ctx.principal))),

  reject: adminProcedure.input(z.object({ id, reason })).mutation(async ({ ctx, input }) => {
    await ctx.runtime.tuner.reject(input.id, actorOf(ctx.principal), input.reason);
    return { ok: true as const };
  }),

  /** The console's one button pair: approve or reject with a reason. */
  decide: adminProcedure.input(z.object({ id, approve: z.boolean(), reason })).mutation(async ({ ctx, input }) => {
    if (input.approve) return { status: 'applied' as const, ...(await ctx.runtime.tuner.approve(input.id, actorOf(ctx.principal))) };
    await ctx.runtime.tuner.reject(input.id, actorOf(ctx.principal), input.reason);
    return { status: 'rejected' as const };
  }),

  runNow: adminProcedure.mutation(({ ctx }) => ctx.runtime.tuner.runNow()),

  lastRun: adminProcedure.query(({ ctx }) => ctx.runtime.tuner.last()),
});

const day = z.iso.date().transform((s) => new Date(`${s}T00:00:00Z`));

export const qualityRouter = createTRPCRouter({
  /** Success rate (thumbs up share, Wilson 95 %) per chosen dimensions from FeedbackRollup. */
  successRates: analystProcedure
    .input(
      z
        .object({
          from: day.optional(),
          to: day.optional(),
          tier: z.string().max(100).optional(),
          band: z.string().max(40).optional(),
          policyVersion: z.number().int().positive().optional(),
          cache: z.enum(['hits', 'misses', 'all']).default('all'),
          by: z.array(z.enum(SUCCESS_DIMENSIONS)).max(4).default([...SUCCESS_DIMENSIONS]),
        })
        .default({ cache: 'all', by: [...SUCCESS_DIMENSIONS] }),
    )
    .query(({ ctx, input }) => {
      const { by, ...filter } = input;
      return ctx.runtime.quality.successRates(filter, by);
    }),
});
