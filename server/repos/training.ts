// Training samples over Prisma: what decisions kept for retraining (TrainingSample, written by the
// decision writer in the decision's own transaction) with the explicit ratings they got, and the
// purge that enforces the policy's retention.
import type { PrismaClient } from '../db/client';
import type { TrainingRow } from '../decisions/types';
import type { TrainingPolicy } from '../routing/policy';

export type { TrainingRow };


export async function loadTrainingRows(prisma: PrismaClient, window: { from: Date; to: Date }): Promise<TrainingRow[]> {
  const rows = await prisma.$queryRaw<(Omit<TrainingRow, 'rating'> & { rating: bigint | number | null })[]>`
    SELECT t."decisionId"::text AS "decisionId", t."createdAt", t."apiKeyId", t."band", t."finalTier", t."finalTarget",
           t."complexityModel", t."complexity", t."answers",
           (SELECT sum(f."rating") FROM "Feedback" f WHERE f."decisionId" = t."decisionId" AND f."kind" = 'explicit') AS "rating"
    FROM "TrainingSample" t
    WHERE t."createdAt" >= ${window.from} AND t."createdAt" < ${window.to}
    ORDER BY t."createdAt", t."decisionId"`;
  return rows.map((r) => ({ ...r, rating: r.rating === null ? null : Number(r.rating) }));
}

export interface PurgeResult {
  deleted: number;
  textCleared: number;
}

const DAY_MS = 86_400_000;
const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/**
 * Deletes what the policy no longer keeps: text of keys not opted in (any more) or past their text
 * retention; rows past their retention — `retentionDays` with keep 'features', else none at all
 * beyond opted-in keys, whose rows live as long as the longer of the two retentions.
 */
export async function purgeTraining(prisma: PrismaClient, t: TrainingPolicy, now = new Date()): Promise<PurgeResult> {
  const keys = t.fullText.map((f) => f.apiKeyId);
  const base = t.keep === 'features' ? t.retentionDays : 0;
  return prisma.$transaction(async (tx) => {
    let textCleared = await tx.$executeRaw`UPDATE "TrainingSample" SET "text" = NULL WHERE "text" IS NOT NULL AND ("apiKeyId" IS NULL OR NOT ("apiKeyId" = ANY(${keys}::text[])))`;
    let deleted = await tx.$executeRaw`DELETE FROM "TrainingSample" WHERE ("apiKeyId" IS NULL OR NOT ("apiKeyId" = ANY(${keys}::text[]))) AND "createdAt" < ${before(now, base)}`;
    for (const f of t.fullText) {
      textCleared += await tx.$executeRaw`UPDATE "TrainingSample" SET "text" = NULL WHERE "text" IS NOT NULL AND "apiKeyId" = ${f.apiKeyId} AND "createdAt" < ${before(now, f.retentionDays)}`;
      deleted += await tx.$executeRaw`DELETE FROM "TrainingSample" WHERE "apiKeyId" = ${f.apiKeyId} AND "createdAt" < ${before(now, Math.max(base, f.retentionDays))}`;
    }
    return { deleted, textCleared };
  });
}
