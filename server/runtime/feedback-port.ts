// Ratings as the transports see them (FeedbackPort): the feedback service stores the rating; then,
// after it is committed, the two consequences that live outside Postgres are applied:
// - a thumbs-down on a cached answer evicts that cache entry (the decision's plan names the entry);
// - an explicit rating on an answered decision becomes a past query in the analyzer's history.
// Neither may fail the rating: it is already stored.
import type { ResponseCache } from '../cache/types';
import type { PrismaClient } from '../db/client';
import { canRateDecision, type DecisionOwner } from '../auth/visibility';
import { FeedbackError } from '../feedback/errors';
import { feedbackService } from '../feedback/service';
import type { PolicySource } from '../gateway/types';
import { ratedDecision, type LiveRatingHistory } from './rating-history';
import type { FeedbackPort } from '../contracts/ports';

export interface FeedbackPortDeps {
  prisma: PrismaClient;
  cache: ResponseCache | null;
  history: LiveRatingHistory | null;
  policy: PolicySource;
  /**
   * Writes the decisions answered so far (the recorder batches them for ~100 ms): a rating that
   * names a decision not in Postgres yet waits for it instead of answering "does not exist".
   */
  settle?: () => Promise<void>;
  /** Errors of the follow-up steps (logged by the caller; tests assert none). */
  onError?: (err: unknown) => void;
}

/** The cache entry that answered a decision, as recorded in its plan by the gateway. */
export async function cachedEntryOf(prisma: PrismaClient, decisionId: string): Promise<string | null> {
  const d = await prisma.decision.findFirst({ where: { id: decisionId }, select: { plan: true, cacheStatus: true } });
  if (!d || (d.cacheStatus !== 'exact' && d.cacheStatus !== 'semantic')) return null;
  const entryId = (d.plan as { cache?: { entryId?: unknown } } | null)?.cache?.entryId;
  return typeof entryId === 'string' && entryId ? entryId : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function ownerOf(prisma: PrismaClient, id: string): Promise<DecisionOwner | null> {
  const d = await prisma.decision.findFirst({ where: { id }, select: { principalId: true, apiKeyId: true } });
  if (!d) return null;
  const key = d.apiKeyId ? await prisma.apiKey.findUnique({ where: { id: d.apiKeyId }, select: { tenant: true } }) : null;
  return { principalId: d.principalId, tenant: key?.tenant ?? 'default' };
}

export function createFeedbackPort(deps: FeedbackPortDeps): FeedbackPort {
  const service = feedbackService(deps.prisma);
  const report = deps.onError ?? ((err: unknown) => console.warn(`cascade: feedback follow-up failed: ${err instanceof Error ? err.message : String(err)}`));
  return {
    async rate(p, input) {
      // A rater may rate only what it may read, in its own tenant; anything else is answered as
      // "does not exist", so ids of other tenants' decisions are not confirmed either.
      const decisionId = (input as { decisionId?: unknown } | null)?.decisionId;
      if (typeof decisionId === 'string' && UUID.test(decisionId)) {
        let owner = await ownerOf(deps.prisma, decisionId);
        // Rated right after its answer: the decision may still be in the recorder's batch.
        if (!owner && deps.settle) {
          await deps.settle();
          owner = await ownerOf(deps.prisma, decisionId);
        }
        if (owner && !canRateDecision(p, owner)) throw new FeedbackError('not_found', `decision ${decisionId} does not exist`);
      }
      const res = await service.rate({ id: p.id, tenant: p.tenant }, input);
      try {
        if (res.rating === -1 && deps.cache) {
          const entryId = await cachedEntryOf(deps.prisma, res.decisionId);
          if (entryId) await deps.cache.evict(entryId);
        }
        if (deps.history) {
          const rated = await ratedDecision(deps.prisma, res.decisionId, res.rating);
          if (rated) deps.history.add(deps.policy.current().policy, rated);
        }
      } catch (err) {
        report(err);
      }
      return res;
    },
  };
}
