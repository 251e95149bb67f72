// The model registry for admins: versions of the answer-quality model and of the complexity
// classifier with their metrics and data window; promote, roll back, run in shadow. After a change
// this replica reloads at once and tells the others (each would otherwise see it at its next
// refresh, within 10 s).
import { z } from 'zod';
import { getPrisma } from '../../db/client';
import { COMPLEXITY_MODEL_KIND } from '../../judging/retrain-run';
import { ANSWER_MODEL_KIND } from '../../judging/watcher';
import { modelRegistry } from '../../repos/models';
import { adminProcedure, createTRPCRouter } from '../trpc';
import { actorOf } from './tiers';

const version = z.string().trim().min(1, 'choose a model version').max(200);
const kind = z.enum([ANSWER_MODEL_KIND, COMPLEXITY_MODEL_KIND]).default(ANSWER_MODEL_KIND);
const registry = () => modelRegistry(getPrisma());

/** The change's result once this replica runs it and the others were told. */
async function applied<T>(ctx: { runtime: { models: { refresh(): Promise<void> } } }, change: Promise<T>): Promise<T> {
  const result = await change;
  await ctx.runtime.models.refresh();
  return result;
}

export const modelsRouter = createTRPCRouter({
  list: adminProcedure.input(z.object({ kind }).default({ kind: ANSWER_MODEL_KIND })).query(({ input }) => registry().list(input.kind)),
  /** The versions this replica runs now (the registry's heads may be a refresh ahead). */
  live: adminProcedure.query(({ ctx }) => ctx.runtime.models.live()),
  promote: adminProcedure.input(z.object({ kind, version })).mutation(({ ctx, input }) => applied(ctx, registry().promote(input.kind, input.version, actorOf(ctx.principal)))),
  rollback: adminProcedure.input(z.object({ kind }).default({ kind: ANSWER_MODEL_KIND })).mutation(({ ctx, input }) => applied(ctx, registry().rollback(input.kind, actorOf(ctx.principal)))),
  /** version null clears the shadow. */
  shadow: adminProcedure.input(z.object({ kind, version: version.nullable() })).mutation(({ ctx, input }) => applied(ctx, registry().setShadow(input.kind, input.version, actorOf(ctx.principal)))),
});
