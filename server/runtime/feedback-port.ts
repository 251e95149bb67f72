// Ratings as the transports see them (FeedbackPort): the feedback service stores the rating; then,
// after it is committed, the two consequences that live outside Postgres are applied:
// - a thumbs-down on a cached answer evicts that cache entry (the decision's plan names the entry);
// - an explicit rating on an answered decision becomes a past query in the analyzer's history.
// Neither may fail the rating: it is already stored.
import type { ResponseCache } from '../cache/types';
import type { PrismaClient } from '../db/client';
import { feedbackService } from '../feedback/service';
import type { PolicySource } from '../gateway/types';
import { ratedDecision, type LiveRatingHistory } from './rating-history';
import type { FeedbackPort } from '../contracts/ports';

export interface FeedbackPortDeps {
  prisma: PrismaClient;
  cache: ResponseCache | null;
  history: LiveRatingHistory | null;
  policy: PolicySource;
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

export function createFeedbackPort(deps: FeedbackPortDeps): FeedbackPort {
  const service = feedbackService(deps.prisma);
  const report = deps.onError ?? ((err: unknown) => console.warn(`cascade: feedback follow-up failed: ${err instanceof Error ? err.message : String(err)}`));
  return {
    async rate(p, input) {
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
