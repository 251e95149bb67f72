// Routing policy versions: read the active one and its history; save a new version (validated against
// the schema and the tiers that exist) or roll back to an old one. Both refresh the in-memory policy.
import { z } from 'zod';
import { validatePolicy } from '../../routing/policy-validate';
import { adminProcedure, analystProcedure, authedProcedure, createTRPCRouter } from '../trpc';
import { actorOf } from './tiers';

/** Thrown with the field issues so the editor can show each next to its field. */
export class PolicyValidationError extends Error {
  readonly code = 'invalid_policy';
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`Policy rejected: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

const reason = z.string().trim().min(1, 'say why (it goes into the audit log)').max(500);

export const policyRouter = createTRPCRouter({
  active: authedProcedure.query(({ ctx }) => ctx.runtime.stores.policies.active()),

  history: analystProcedure
    .input(z.object({ limit: z.number().int().min(1).max(500).default(50) }).default({ limit: 50 }))
    .query(({ ctx, input }) => ctx.runtime.stores.policies.history(input.limit)),

  save: adminProcedure.input(z.object({ document: z.unknown(), reason })).mutation(async ({ ctx, input }) => {
    const result = validatePolicy(input.document, ctx.runtime.tiers.list());
    if (!result.ok) throw new PolicyValidationError(result.issues);
    const saved = await ctx.runtime.stores.policies.save(result.policy, input.reason, actorOf(ctx.principal));
    await ctx.runtime.policy.invalidate();
    return saved;
  }),

  rollback: adminProcedure.input(z.object({ version: z.number().int().positive(), reason })).mutation(async ({ ctx, input }) => {
    const saved = await ctx.runtime.stores.policies.rollback(input.version, input.reason, actorOf(ctx.principal));
    await ctx.runtime.policy.invalidate();
    return saved;
  }),
});
