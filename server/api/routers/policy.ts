// Routing policy versions: read the active one and its history; save a new version (validated against
// the schema and the tiers that exist) or roll back to an old one. Both refresh the in-memory policy.
import { z } from 'zod';
import { getPrisma } from '../../db/client';
import { DomainError } from '../../lib/errors';
import { policySchema } from '../../routing/policy';
import { validatePolicy } from '../../routing/policy-validate';
import { replayJudging } from '../../whatif/judging';
import { loadJudgedDecisions, loadReplayDecisions, MAX_REPLAY, MIN_REPLAY, type Sql } from '../../whatif/load';
import { replayWhatIf } from '../../whatif/replay';
import { adminProcedure, analystProcedure, createTRPCRouter } from '../trpc';
import { actorOf } from './tiers';

/** Thrown with the field issues so the editor can show each next to its field. */
export class PolicyValidationError extends DomainError {
  constructor(issues: { path: string; message: string }[]) {
    super('invalid_policy', `Policy rejected: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
}

const sql: Sql = (text, params) => getPrisma().$queryRawUnsafe(text, ...params);

/** The editor's what-if input: the draft (the editor's own schema), how many decisions, optionally one API key's. */
export const whatIfInput = z.object({
  document: policySchema,
  limit: z.number().int().min(MIN_REPLAY, `replay at least ${MIN_REPLAY} decisions`).max(MAX_REPLAY, `replay at most ${MAX_REPLAY} decisions`).default(1000),
  apiKeyId: z.string().trim().min(1).max(100).optional(),
});

/** Success rates of the last this many days feed the extrapolated estimates. */
const SUCCESS_WINDOW_DAYS = 90;

const reason = z.string().trim().min(1, 'say why (it goes into the audit log)').max(500);

export const policyRouter = createTRPCRouter({
  // Analysts and up: the document names every key's budget and overrides, which a key holder must not read.
  active: analystProcedure.query(({ ctx }) => ctx.runtime.stores.policies.active()),

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

  /**
   * Replays the newest `limit` decisions under the draft with the real decide(): tier mix, cost and
   * success before -> after (server/whatif). A mutation only so a large draft travels in the body.
   */
  whatIf: adminProcedure.input(whatIfInput).mutation(async ({ ctx, input }) => {
    const from = new Date(Date.now() - SUCCESS_WINDOW_DAYS * 86_400_000);
    const [decisions, rates] = await Promise.all([
      loadReplayDecisions(sql, { limit: input.limit, apiKeyId: input.apiKeyId }),
      ctx.runtime.quality.successRates({ cache: 'misses', from }, ['tier', 'band']),
    ]);
    const tiers = ctx.runtime.tiers.list().filter((t) => t.role !== 'embedding');
    const judged = await loadJudgedDecisions(sql, decisions);
    return {
      ...replayWhatIf({ decisions, draft: input.document, tiers, success: rates.map((r) => ({ tier: r.tier ?? '', band: r.band ?? '', up: r.up, n: r.n })) }),
      judging: replayJudging(judged, input.document, tiers),
    };
  }),

  rollback: adminProcedure.input(z.object({ version: z.number().int().positive(), reason })).mutation(async ({ ctx, input }) => {
    const saved = await ctx.runtime.stores.policies.rollback(input.version, input.reason, actorOf(ctx.principal));
    await ctx.runtime.policy.invalidate();
    return saved;
  }),
});
