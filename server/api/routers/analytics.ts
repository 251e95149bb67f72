// Dashboard and decision-explorer procedures (analyst and up). Thin: validate, run the queries of
// server/analytics, shape with the pure prepare* functions. Charts get ready-to-draw data.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { deriveCards } from '../../analytics/cards';
import { getPrisma } from '../../db/client';
import { getDecision, listDecisions } from '../../analytics/decisions';
import { dashboardFiltersSchema, decisionListSchema, granularityFor } from '../../analytics/filters';
import { prepareCostByTier, prepareSavings } from '../../analytics/prepare-cost';
import { prepareLatencyByTier, prepareScoreHistogram, prepareSuccessMatrix, prepareThresholdHistory } from '../../analytics/prepare-quality';
import { prepareCacheHitRate, prepareEscalations, prepareTierMix, prepareTrafficByBand } from '../../analytics/prepare-traffic';
import { loadEscalationReasons, loadFilterOptions, loadJudgeAcceptedRatings, loadJudgeVerdicts, loadPolicyChanges, loadRecentScores, loadRollups, type Sql } from '../../analytics/queries';
import { prepareJudges } from '../../analytics/prepare-judges';
import { HIST_BUCKETS, LATENCY_BOUNDS_MS } from '../../decisions/histogram';
import { batchResults, listAudit, listBatchJobs, listProposals } from '../../analytics/admin-reads';
import { adminProcedure, analystProcedure, createTRPCRouter } from '../trpc';
import { withoutNul } from '../../lib/text-storage';

const sql: Sql = (text, params) => getPrisma().$queryRawUnsafe(text, ...params);

export const analyticsRouter = createTRPCRouter({
  filterOptions: analystProcedure.query(() => loadFilterOptions(sql)),

  /** Everything the dashboards page draws, in one round trip. */
  dashboard: analystProcedure.input(dashboardFiltersSchema).query(async ({ input }) => {
    const g = granularityFor(input);
    const range = { from: input.from, to: new Date(input.to.getTime() - 1) };
    const [{ rows, latency }, reasons, changes, verdicts, accepted] = await Promise.all([
      loadRollups(sql, input, g, HIST_BUCKETS),
      loadEscalationReasons(sql, input),
      loadPolicyChanges(sql),
      loadJudgeVerdicts(sql, input),
      loadJudgeAcceptedRatings(sql, input),
    ]);
    const totals = rows.reduce((a, r) => ({ requests: a.requests + r.requests, errors: a.errors + r.errors }), { requests: 0, errors: 0 });
    const charts = {
      cost: prepareCostByTier(rows, range, g),
      savings: prepareSavings(rows, range, g),
      traffic: prepareTrafficByBand(rows, range, g),
      tierMix: prepareTierMix(rows),
      success: prepareSuccessMatrix(rows),
      thresholds: prepareThresholdHistory(rows, changes, range, g),
      latency: prepareLatencyByTier(latency, LATENCY_BOUNDS_MS),
      cache: prepareCacheHitRate(rows, range, g),
      escalations: prepareEscalations(rows, reasons, range, g),
    };
    // The cards are computed from the charts' own series, so the two always agree.
    return { granularity: g, totals, cards: deriveCards(charts), ...charts, judges: prepareJudges(verdicts, accepted) };
  }),

  scoreHistogram: analystProcedure
    .input(z.object({ limit: z.number().int().min(1).max(50_000).default(5000), bins: z.number().int().min(5).max(100).default(40) }).optional())
    .query(async ({ input }) => prepareScoreHistogram(await loadRecentScores(sql, input?.limit ?? 5000), input?.bins ?? 40)),

  decisions: analystProcedure.input(decisionListSchema).query(({ input }) => listDecisions(sql, input)),

  decision: analystProcedure.input(z.object({ id: z.string().uuid('not a decision id') })).query(async ({ input }) => {
    const d = await getDecision(sql, input.id);
    if (!d) throw new TRPCError({ code: 'NOT_FOUND', message: `No decision ${input.id}.` });
    return d;
  }),

  auditLog: adminProcedure
    .input(z.object({ action: z.string().max(100).optional(), q: z.string().trim().max(200).transform(withoutNul).optional(), before: z.coerce.date().optional(), limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ input }) => listAudit(sql, input)),

  tunerProposals: adminProcedure
    .input(z.object({ status: z.enum(['pending', 'approved', 'rejected', 'applied', 'rolled_back']).optional(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ input }) => listProposals(sql, input.status, input.limit)),

  batchJobs: analystProcedure.input(z.object({ limit: z.number().int().min(1).max(200).default(50) })).query(({ input }) => listBatchJobs(sql, input.limit)),

  batchResults: analystProcedure.input(z.object({ jobId: z.string().min(1).max(100) })).query(({ input }) => batchResults(sql, input.jobId)),
});
