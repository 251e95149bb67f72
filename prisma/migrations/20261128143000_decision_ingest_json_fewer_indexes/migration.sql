-- Decision ingest (server/decisions, bench/ingest.bench.ts): per inserted row, each secondary index
-- and jsonb's parse-into-binary cost time. Measured on 5,000-row batches: all 7 indexes ~490 ms,
-- PK + (createdAt, id) ~240 ms, and json instead of jsonb ~150 ms.
-- * band / finalTier / status have 3-6 values each: the explorer's keyset scan over
--   ("createdAt" DESC, id DESC) filters them cheaply, so their own indexes did not pay for themselves.
--   apiKeyId (many values) and promptHash keep theirs.
-- * probs / signals / plan are stored and read back whole, never queried inside: json (validated
--   text) instead of jsonb.
-- Written idempotently (IF EXISTS; SET DATA TYPE JSON on a json column is a no-op) because an
-- untracked migration created concurrently in the shared checkout (20261128142629_batch_job_lease)
-- picked up the same schema.prisma lines; whichever runs first does the work.
DROP INDEX IF EXISTS "Decision_band_createdAt_idx";
DROP INDEX IF EXISTS "Decision_finalTier_createdAt_idx";
DROP INDEX IF EXISTS "Decision_status_createdAt_idx";

ALTER TABLE "Decision" ALTER COLUMN "probs" SET DATA TYPE JSON,
ALTER COLUMN "signals" SET DATA TYPE JSON,
ALTER COLUMN "plan" SET DATA TYPE JSON;
