-- Cascade, first schema. Generated from prisma/schema.prisma by the wasm schema engine
-- (`npm run cascade -- migrate --create init`), then edited by hand where Prisma has no syntax:
--   * Decision and DecisionAttempt are RANGE-partitioned by "createdAt" (monthly partitions are
--     created ahead by server/db/partitions.ts: at migrate time and by the decision writer);
--   * each has a DEFAULT partition so that a row outside the prepared months is never rejected.

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "passwordHash" TEXT,
    "role" TEXT NOT NULL DEFAULT 'user',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "role" TEXT NOT NULL DEFAULT 'user',
    "createdById" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),
    "lastUsedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Tier" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'openai',
    "baseUrl" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "apiKeyEnc" TEXT,
    "inputPricePerM" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "outputPricePerM" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "maxConcurrency" INTEGER NOT NULL DEFAULT 16,
    "timeoutMs" INTEGER NOT NULL DEFAULT 60000,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Tier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PolicyVersion" (
    "version" INTEGER NOT NULL,
    "document" JSONB NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "createdById" TEXT,
    "reason" TEXT NOT NULL DEFAULT '',
    "parentVersion" INTEGER,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PolicyVersion_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "Decision" (
    "id" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "principalId" TEXT,
    "apiKeyId" TEXT,
    "source" TEXT NOT NULL,
    "promptHash" TEXT NOT NULL,
    "promptPreview" TEXT NOT NULL,
    "band" TEXT,
    "score" DOUBLE PRECISION,
    "probs" JSONB,
    "signals" JSONB,
    "policyVersion" INTEGER,
    "plan" JSONB,
    "finalTier" TEXT,
    "cacheStatus" TEXT NOT NULL,
    "tokensIn" INTEGER NOT NULL,
    "tokensOut" INTEGER NOT NULL,
    "costUsd" DOUBLE PRECISION NOT NULL,
    "baselineCostUsd" DOUBLE PRECISION NOT NULL,
    "latencyMs" INTEGER NOT NULL,
    "ttftMs" INTEGER,
    "status" TEXT NOT NULL,
    "errorCode" TEXT,
    "escalations" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Decision_pkey" PRIMARY KEY ("id","createdAt")
) PARTITION BY RANGE ("createdAt");

-- CreateTable
CREATE TABLE "DecisionAttempt" (
    "decisionId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "tierId" TEXT NOT NULL,
    "tierName" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "latencyMs" INTEGER NOT NULL,
    "ttftMs" INTEGER,
    "queueMs" INTEGER NOT NULL,
    "tokensIn" INTEGER NOT NULL,
    "tokensOut" INTEGER NOT NULL,
    "costUsd" DOUBLE PRECISION NOT NULL,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,

    CONSTRAINT "DecisionAttempt_pkey" PRIMARY KEY ("decisionId","seq","createdAt")
) PARTITION BY RANGE ("createdAt");

-- CreateTable
CREATE TABLE "DecisionRollup" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "tier" TEXT NOT NULL,
    "band" TEXT NOT NULL,
    "policyVersion" INTEGER NOT NULL,
    "cacheStatus" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "costUsd" DOUBLE PRECISION NOT NULL,
    "baselineCostUsd" DOUBLE PRECISION NOT NULL,
    "tokensIn" DOUBLE PRECISION NOT NULL,
    "tokensOut" DOUBLE PRECISION NOT NULL,
    "latencySumMs" DOUBLE PRECISION NOT NULL,
    "ttftSumMs" DOUBLE PRECISION NOT NULL,
    "ttftCount" INTEGER NOT NULL,
    "escalations" INTEGER NOT NULL,
    "latencyHist" INTEGER[],

    CONSTRAINT "DecisionRollup_pkey" PRIMARY KEY ("bucket","apiKeyId","tier","band","policyVersion","cacheStatus","status")
);

-- CreateTable
CREATE TABLE "Feedback" (
    "id" TEXT NOT NULL,
    "decisionId" UUID NOT NULL,
    "decisionCreatedAt" TIMESTAMPTZ(3) NOT NULL,
    "raterId" TEXT NOT NULL,
    "tenant" TEXT NOT NULL DEFAULT 'default',
    "rating" INTEGER NOT NULL,
    "reason" TEXT,
    "comment" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'explicit',
    "signal" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Feedback_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CacheEntry" (
    "id" TEXT NOT NULL,
    "scopeHash" TEXT NOT NULL,
    "promptHash" TEXT NOT NULL,
    "promptNorm" TEXT NOT NULL,
    "embedding" BYTEA NOT NULL,
    "answer" TEXT NOT NULL,
    "tierName" TEXT NOT NULL,
    "tierRank" INTEGER NOT NULL,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "hits" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastHitAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "decisionId" TEXT,

    CONSTRAINT "CacheEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TunerProposal" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fromVersion" INTEGER NOT NULL,
    "toVersion" INTEGER,
    "proposal" JSONB NOT NULL,
    "evidence" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "decidedById" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "reason" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "TunerProposal_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BatchJob" (
    "id" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "perTier" JSONB NOT NULL DEFAULT '{}',
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "BatchJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BatchItem" (
    "jobId" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "request" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "tier" TEXT,
    "result" JSONB,
    "error" TEXT,
    "costUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "decisionId" TEXT,

    CONSTRAINT "BatchItem_pkey" PRIMARY KEY ("jobId","line")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_hash_key" ON "ApiKey"("hash");

-- CreateIndex
CREATE INDEX "ApiKey_createdById_idx" ON "ApiKey"("createdById");

-- CreateIndex
CREATE UNIQUE INDEX "Tier_name_key" ON "Tier"("name");

-- CreateIndex
CREATE UNIQUE INDEX "PolicyVersion_one_active" ON "PolicyVersion"("active") WHERE (active);

-- CreateIndex
CREATE INDEX "Decision_createdAt_id_idx" ON "Decision"("createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Decision_apiKeyId_createdAt_idx" ON "Decision"("apiKeyId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Decision_finalTier_createdAt_idx" ON "Decision"("finalTier", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Decision_band_createdAt_idx" ON "Decision"("band", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Decision_status_createdAt_idx" ON "Decision"("status", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Decision_promptHash_idx" ON "Decision"("promptHash");

-- CreateIndex
CREATE INDEX "Decision_promptPreview_idx" ON "Decision" USING GIN ("promptPreview" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "DecisionAttempt_tierName_createdAt_idx" ON "DecisionAttempt"("tierName", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "DecisionRollup_bucket_idx" ON "DecisionRollup"("bucket" DESC);

-- CreateIndex
CREATE INDEX "Feedback_decisionCreatedAt_idx" ON "Feedback"("decisionCreatedAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Feedback_decisionId_raterId_kind_signal_key" ON "Feedback"("decisionId", "raterId", "kind", "signal");

-- CreateIndex
CREATE INDEX "CacheEntry_lastHitAt_idx" ON "CacheEntry"("lastHitAt");

-- CreateIndex
CREATE INDEX "CacheEntry_expiresAt_idx" ON "CacheEntry"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "CacheEntry_scopeHash_promptHash_key" ON "CacheEntry"("scopeHash", "promptHash");

-- CreateIndex
CREATE INDEX "TunerProposal_status_createdAt_idx" ON "TunerProposal"("status", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at" DESC);

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at" DESC);

-- CreateIndex
CREATE INDEX "BatchJob_createdAt_idx" ON "BatchJob"("createdAt" DESC);

-- CreateIndex
CREATE INDEX "BatchItem_jobId_status_idx" ON "BatchItem"("jobId", "status");

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BatchItem" ADD CONSTRAINT "BatchItem_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "BatchJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Partitions (hand-written). Monthly ones are created by server/db/partitions.ts.
CREATE TABLE "Decision_default" PARTITION OF "Decision" DEFAULT;
CREATE TABLE "DecisionAttempt_default" PARTITION OF "DecisionAttempt" DEFAULT;
