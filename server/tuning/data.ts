// What the tuner reads from Postgres: recent rated decisions (Feedback joined to its Decision by
// primary key, newest first through the decisionCreatedAt index) and the recent traffic the
// thresholds are optimised over (the newest decisions through the createdAt index). Both are bounded
// by a limit, so a tuning run costs the same however large the decision table grows.
import type { PrismaClient } from '../db/client';
import type { Policy } from '../routing/policy';
import { scoreOfVerdict, type AcceptedRating } from './accept-threshold';
import type { CacheHitRating } from './cache-threshold';
import type { PopulationItem, RatedObservation, TierIndex } from './types';

export interface TierPrice {
  inputPricePerM: number;
  outputPricePerM: number;
}

export async function tierPrices(prisma: PrismaClient, policy: Policy): Promise<[TierPrice, TierPrice, TierPrice] | null> {
  const names = [policy.targets.small, policy.targets.medium, policy.targets.large];
  const rows = await prisma.tier.findMany({ where: { name: { in: names } }, select: { name: true, inputPricePerM: true, outputPricePerM: true } });
  const byName = new Map(rows.map((r) => [r.name, r]));
  const prices = names.map((n) => byName.get(n));
  if (prices.some((p) => !p)) return null;
  return prices as unknown as [TierPrice, TierPrice, TierPrice];
}

function tierIndexOf(policy: Policy): Map<string, TierIndex> {
  // A tier serving two targets counts as the cheaper one: that is the band the thresholds move.
  const m = new Map<string, TierIndex>();
  ([policy.targets.large, policy.targets.medium, policy.targets.small] as const).forEach((name, i) => m.set(name, (2 - i) as TierIndex));
  return m;
}

/** Explicit ratings on answered (not cached) decisions that have a score, newest first. */
export async function recentRatings(prisma: PrismaClient, policy: Policy, limit: number): Promise<RatedObservation[]> {
  const rows = await prisma.$queryRaw<{ score: number; tier: string; rating: number }[]>`
    SELECT d."score" AS score, d."finalTier" AS tier, f."rating" AS rating
    FROM "Feedback" f
    JOIN "Decision" d ON d."id" = f."decisionId" AND d."createdAt" = f."decisionCreatedAt"
    WHERE f."kind" = 'explicit' AND d."score" IS NOT NULL AND d."finalTier" IS NOT NULL
      AND d."cacheStatus" NOT IN ('exact', 'semantic')
    ORDER BY f."decisionCreatedAt" DESC
    LIMIT ${limit}`;
  const idx = tierIndexOf(policy);
  const out: RatedObservation[] = [];
  for (const r of rows) {
    const tier = idx.get(r.tier);
    if (tier !== undefined && Number.isFinite(r.score)) out.push({ score: r.score, tier, success: r.rating > 0 ? 1 : 0 });
  }
  return out;
}

/** Recent scored traffic with what each tier would have cost for its tokens. */
export async function recentPopulation(prisma: PrismaClient, prices: readonly [TierPrice, TierPrice, TierPrice], limit: number): Promise<PopulationItem[]> {
  const rows = await prisma.decision.findMany({
    where: { score: { not: null }, cacheStatus: { notIn: ['exact', 'semantic'] } },
    orderBy: { createdAt: 'desc' },
    take: limit,
    select: { score: true, tokensIn: true, tokensOut: true },
  });
  const cost = (p: TierPrice, tin: number, tout: number) => (tin * p.inputPricePerM + tout * p.outputPricePerM) / 1e6;
  return rows.map((r) => ({
    score: r.score as number,
    cost: [cost(prices[0], r.tokensIn, r.tokensOut), cost(prices[1], r.tokensIn, r.tokensOut), cost(prices[2], r.tokensIn, r.tokensOut)] as const,
  }));
}

/**
 * Explicit ratings on semantic cache hits with the similarity the gateway recorded in the
 * decision's plan (`plan.cache.similarity`), newest first and bounded like recentRatings.
 * Exact hits say nothing about the similarity threshold, so they are left out.
 */
export async function recentCacheHitRatings(prisma: PrismaClient, limit: number): Promise<CacheHitRating[]> {
  // The similarity comes back as text and is parsed here: a cast in SQL would fail the whole run on
  // one malformed plan, since WHERE gives no guarantee it is checked before the cast.
  const rows = await prisma.$queryRaw<{ similarity: string | null; rating: number }[]>`
    SELECT d."plan"->'cache'->>'similarity' AS similarity, f."rating" AS rating
    FROM "Feedback" f
    JOIN "Decision" d ON d."id" = f."decisionId" AND d."createdAt" = f."decisionCreatedAt"
    WHERE f."kind" = 'explicit' AND d."cacheStatus" = 'semantic'
      AND d."plan"->'cache'->>'kind' = 'semantic'
      AND d."plan"->'cache'->>'similarity' IS NOT NULL
    ORDER BY f."decisionCreatedAt" DESC
    LIMIT ${limit}`;
  const out: CacheHitRating[] = [];
  for (const r of rows) {
    const similarity = r.similarity === null ? NaN : Number(r.similarity);
    if (Number.isFinite(similarity)) out.push({ similarity, success: r.rating > 0 ? 1 : 0 });
  }
  return out;
}

/**
 * Up and down counts of decisions rated by two or more raters, among the newest `limit` explicit
 * ratings (bounded like the others): their agreement is what the rater-noise estimate uses.
 */
export async function repeatedRatings(prisma: PrismaClient, limit: number): Promise<{ up: number; down: number }[]> {
  const rows = await prisma.$queryRaw<{ up: bigint; down: bigint }[]>`
    SELECT count(*) FILTER (WHERE f."rating" > 0) AS up, count(*) FILTER (WHERE f."rating" <= 0) AS down
    FROM (
      SELECT "decisionId", "rating" FROM "Feedback"
      WHERE "kind" = 'explicit'
      ORDER BY "decisionCreatedAt" DESC
      LIMIT ${limit}
    ) f
    GROUP BY f."decisionId"
    HAVING count(*) >= 2`;
  return rows.map((r) => ({ up: Number(r.up), down: Number(r.down) }));
}

/**
 * Explicit ratings of cheap answers the answer-quality model accepted (attempt step 'judge:model',
 * outcome 'accepted'), with the band whose settings judged them and the model's score, newest first.
 */
export async function recentAcceptedRatings(prisma: PrismaClient, limit: number): Promise<AcceptedRating[]> {
  const rows = await prisma.$queryRaw<{ band: string | null; detail: string | null; rating: number }[]>`
    SELECT d."plan"->'judging'->>'band' AS band, a."detail" AS detail, f."rating" AS rating
    FROM "Feedback" f
    JOIN "Decision" d ON d."id" = f."decisionId" AND d."createdAt" = f."decisionCreatedAt"
    JOIN "DecisionAttempt" a ON a."decisionId" = d."id" AND a."createdAt" = d."createdAt"
    WHERE f."kind" = 'explicit' AND a."step" = 'judge:model' AND a."outcome" = 'accepted'
    ORDER BY f."decisionCreatedAt" DESC
    LIMIT ${limit}`;
  const out: AcceptedRating[] = [];
  for (const r of rows) {
    const score = scoreOfVerdict(r.detail);
    if (score !== null && (r.band === 'small' || r.band === 'medium' || r.band === 'large')) out.push({ band: r.band, score, success: r.rating > 0 ? 1 : 0 });
  }
  return out;
}
