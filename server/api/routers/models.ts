// The model registry for admins: versions of the answer-quality model with their metrics and data
// window; promote (every server swaps it in within its refresh interval), roll back, run in shadow.
import { z } from 'zod';
import { getPrisma } from '../../db/client';
import { ANSWER_MODEL_KIND } from '../../judging/watcher';
import { modelRegistry } from '../../repos/models';
import { adminProcedure, createTRPCRouter } from '../trpc';
import { actorOf } from './tiers';

const version = z.string().trim().min(1, 'choose a model version').max(200);
const registry = () => modelRegistry(getPrisma());

export const modelsRouter = createTRPCRouter({
  list: adminProcedure.query(() => registry().list(ANSWER_MODEL_KIND)),
  promote: adminProcedure.input(z.object({ version })).mutation(({ ctx, input }) => registry().promote(ANSWER_MODEL_KIND, input.version, actorOf(ctx.principal))),
  rollback: adminProcedure.input(z.object({}).default({})).mutation(({ ctx }) => registry().rollback(ANSWER_MODEL_KIND, actorOf(ctx.principal))),
  /** version null clears the shadow. */
  shadow: adminProcedure.input(z.object({ version: version.nullable() })).mutation(({ ctx, input }) => registry().setShadow(ANSWER_MODEL_KIND, input.version, actorOf(ctx.principal))),
});
