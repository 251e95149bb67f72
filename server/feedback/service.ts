// Ratings and implicit signals on decisions. A rating is validated, checked against the decision's
// tenant, stored (one per rater per decision: a later rating replaces the earlier one) and counted
// in FeedbackRollup, all in one transaction: either everything is written or nothing is.
import type { PrismaClient } from '../db/client';
import { FeedbackError } from './errors';
import { parseOrThrow, ratingInputSchema, signalInputSchema, type RatingInput, type SignalInput } from './schema';

/** Who rates: a user or an API key, and the tenant it belongs to. */
export interface Rater {
  id: string;
  tenant: string;
}

export interface RatingResult {
  id: string;
  decisionId: string;
  rating: 1 | -1;
  /** True when this rating replaced an earlier one by the same rater. */
  replaced: boolean;
}

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

interface DecisionKey {
  id: string;
  createdAt: Date;
  apiKeyId: string | null;
  finalTier: string | null;
  band: string | null;
  policyVersion: number | null;
  cacheStatus: string;
}

/** The decision and its tenant (the API key's tenant; console users are in 'default'). */
async function loadDecision(tx: Tx, decisionId: string, rater: Rater): Promise<DecisionKey> {
  const d = await tx.decision.findFirst({
    where: { id: decisionId },
    select: { id: true, createdAt: true, apiKeyId: true, finalTier: true, band: true, policyVersion: true, cacheStatus: true },
  });
  if (!d) throw new FeedbackError('not_found', `decision ${decisionId} does not exist`);
  let tenant = 'default';
  if (d.apiKeyId) {
    const key = await tx.apiKey.findUnique({ where: { id: d.apiKeyId }, select: { tenant: true } });
    tenant = key?.tenant ?? 'default';
  }
  // Answered exactly as a decision that does not exist: another tenant's ids are not confirmed.
  if (tenant !== rater.tenant) throw new FeedbackError('not_found', `decision ${decisionId} does not exist`);
  return d;
}

// The UTC day as 'YYYY-MM-DD' text: a Date parameter arrives as timestamptz, and its ::date cast
// would follow the database session's time zone (a rating near midnight landing on the wrong day).
function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

async function bumpRollup(tx: Tx, d: DecisionKey, ratings: number, up: number): Promise<void> {
  if (ratings === 0 && up === 0) return;
  await tx.$executeRaw`
    INSERT INTO "FeedbackRollup" ("day", "tier", "band", "policyVersion", "cacheStatus", "apiKeyId", "ratings", "up")
    VALUES (${day(d.createdAt)}::date, ${d.finalTier ?? ''}, ${d.band ?? ''}, ${d.policyVersion ?? 0}, ${d.cacheStatus}, ${d.apiKeyId ?? ''}, ${ratings}, ${up})
    ON CONFLICT ("day", "tier", "band", "policyVersion", "cacheStatus", "apiKeyId")
    DO UPDATE SET "ratings" = "FeedbackRollup"."ratings" + EXCLUDED."ratings", "up" = "FeedbackRollup"."up" + EXCLUDED."up"`;
}

export function feedbackService(prisma: PrismaClient) {
  return {
    /** Records (or replaces) `rater`'s thumbs up/down on a decision. */
    async rate(rater: Rater, input: RatingInput | unknown): Promise<RatingResult> {
      if (!rater || typeof rater.id !== 'string' || rater.id === '' || typeof rater.tenant !== 'string') {
        throw new FeedbackError('bad_request', 'a rater id and tenant are required');
      }
      const r = parseOrThrow(ratingInputSchema, input);
      const rating: 1 | -1 = r.rating === 'up' || r.rating === 1 ? 1 : -1;
      return prisma.$transaction(async (tx) => {
        const d = await loadDecision(tx, r.decisionId, rater);
        // Serialise ratings of one rater on one decision, so the rollup sees each replacement once.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`feedback:${d.id}:${rater.id}`}))`;
        const key = { decisionId: d.id, raterId: rater.id, kind: 'explicit', signal: '' };
        const before = await tx.feedback.findUnique({ where: { decisionId_raterId_kind_signal: key }, select: { rating: true } });
        const row = await tx.feedback.upsert({
          where: { decisionId_raterId_kind_signal: key },
          create: { ...key, decisionCreatedAt: d.createdAt, tenant: rater.tenant, rating, reason: r.reason ?? null, comment: r.comment ?? null },
          update: { rating, reason: r.reason ?? null, comment: r.comment ?? null },
          select: { id: true },
        });
        const wasUp = before?.rating === 1 ? 1 : 0;
        await bumpRollup(tx, d, before ? 0 : 1, (rating === 1 ? 1 : 0) - wasUp);
        if (rating === -1 && (d.cacheStatus === 'exact' || d.cacheStatus === 'semantic')) {
          // A thumbs-down on a cached answer is evidence against the cache threshold too.
          await upsertSignal(tx, d, rater, 'cache_thumbs_down');
        }
        return { id: row.id, decisionId: d.id, rating, replaced: before !== null };
      });
    },

    /** Records an implicit signal (escalation, error, regenerate, thumbs-down on a cache hit). */
    async signal(rater: Rater, input: SignalInput | unknown): Promise<{ id: string }> {
      const s = parseOrThrow(signalInputSchema, input);
      return prisma.$transaction(async (tx) => {
        const d = await loadDecision(tx, s.decisionId, rater);
        return upsertSignal(tx, d, rater, s.signal, s.detail);
      });
    },
  };
}

async function upsertSignal(tx: Tx, d: DecisionKey, rater: Rater, signal: string, detail?: string): Promise<{ id: string }> {
  const key = { decisionId: d.id, raterId: rater.id, kind: 'implicit', signal };
  // Implicit signals are facts, not opinions: a negative rating each, never in the success rollup.
  return tx.feedback.upsert({
    where: { decisionId_raterId_kind_signal: key },
    create: { ...key, decisionCreatedAt: d.createdAt, tenant: rater.tenant, rating: -1, comment: detail ?? null },
    update: { comment: detail ?? null },
    select: { id: true },
  });
}

export type FeedbackService = ReturnType<typeof feedbackService>;
