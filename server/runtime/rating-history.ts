// Rated decisions as the analyzer's historical-pattern store: at start the newest explicit ratings
// (Feedback joined to Decision by primary key) are loaded, and every new rating is added live.
//
// What the store gets is the decision's promptPreview: the full prompt is not stored (by design), the
// preview is redacted and cut to 280 characters, so neighbours are found on that text only.
// MemoryHistoryStore can add but not remove or update entries: a rating that replaces an earlier one
// adds a second entry for the same decision (both outcomes then count among its neighbours and in
// the learned estimate). The start-up loop of adds is fitted once, in the background, right after.
import { MemoryHistoryStore, type HistoryStore, type Outcome, type PastQuery, type Tier } from '../complexity';
import type { Prefeaturized } from '../complexity/history';
import type { FeatureParams, Features } from '../complexity/featurize';
import type { TierEstimate } from '../complexity/history-model';
import type { PrismaClient } from '../db/client';
import type { Policy } from '../routing/policy';

export interface RatedDecision {
  preview: string;
  finalTier: string;
  rating: number;
}

/** The analyzer's tier of a tier name under the policy (the cheaper one when a tier serves two targets). */
export function historyTier(policy: Policy, tierName: string): Tier | null {
  for (const t of ['small', 'medium', 'large'] as const) if (policy.targets[t] === tierName) return t;
  return null;
}

/**
 * A HistoryStore the analyzer can be created with before the real store exists (the store needs the
 * analyzer's feature parameters): empty until attach(), then it delegates.
 */
export class LiveRatingHistory implements HistoryStore {
  private store: MemoryHistoryStore | null = null;

  get size(): number {
    return this.store?.size ?? 0;
  }

  attach(params: FeatureParams): void {
    this.store ??= new MemoryHistoryStore(params);
  }

  neighbours(text: string, k: number, pre?: Prefeaturized): Promise<PastQuery[]> {
    return this.store ? this.store.neighbours(text, k, pre) : Promise.resolve([]);
  }

  /**
   * The store's learned per-tier success estimate. A rating gives one outcome (the tier that
   * answered), so each tier's estimate exists once 30 ratings of that tier are stored; until all
   * three exist the analyzer keeps tilting by neighbours.
   */
  estimate(f: Features): TierEstimate | null {
    return this.store ? this.store.estimate(f) : null;
  }

  /** Adds one rated decision; false when it cannot be placed (unknown tier, empty preview, not attached). */
  add(policy: Policy, r: RatedDecision): boolean {
    const tier = historyTier(policy, r.finalTier);
    if (!this.store || !tier || !r.preview.trim()) return false;
    const before = this.store.size;
    const outcome: Outcome = { tier, success: r.rating > 0 };
    this.store.add(r.preview, [outcome]);
    return this.store.size > before;
  }
}

/** The newest explicit ratings on answered (not cached) decisions, bounded so start-up cost stays flat. */
export async function loadRatedDecisions(prisma: PrismaClient, limit: number): Promise<RatedDecision[]> {
  return prisma.$queryRaw<RatedDecision[]>`
    SELECT d."promptPreview" AS preview, d."finalTier" AS "finalTier", f."rating" AS rating
    FROM "Feedback" f
    JOIN "Decision" d ON d."id" = f."decisionId" AND d."createdAt" = f."decisionCreatedAt"
    WHERE f."kind" = 'explicit' AND d."finalTier" IS NOT NULL AND d."cacheStatus" NOT IN ('exact', 'semantic')
    ORDER BY f."decisionCreatedAt" DESC
    LIMIT ${limit}`;
}

/** One decision's rating as the store needs it (after a new rating). */
export async function ratedDecision(prisma: PrismaClient, decisionId: string, rating: number): Promise<RatedDecision | null> {
  const d = await prisma.decision.findFirst({ where: { id: decisionId }, select: { promptPreview: true, finalTier: true, cacheStatus: true } });
  if (!d || !d.finalTier || d.cacheStatus === 'exact' || d.cacheStatus === 'semantic') return null;
  return { preview: d.promptPreview, finalTier: d.finalTier, rating };
}
