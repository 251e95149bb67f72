// The model registry for admins: versions of the answer-quality model and of the complexity
// classifier with their metrics and data window; promote (every server swaps it in within its
// refresh interval), roll back, run in shadow.
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

export const modelsRouter = createTRPCRouter({
  list: adminProcedure.input(z.object({ kind }).default({ kind: ANSWER_MODEL_KIND })).query(({ input }) => registry().list(input.kind)),
  promote: adminProcedure.input(z.object({ kind, version })).mutation(({ ctx, input }) => registry().promote(input.kind, input.version, actorOf(ctx.principal))),
  rollback: adminProcedure.input(z.object({ kind }).default({ kind: ANSWER_MODEL_KIND })).mutation(({ ctx, input }) => registry().rollback(input.kind, actorOf(ctx.principal))),
  /** version null clears the shadow. */
  shadow: adminProcedure.input(z.object({ kind, version: version.nullable() })).mutation(({ ctx, input }) => registry().setShadow(input.kind, input.version, actorOf(ctx.principal))),
});
