-- What decisions keep for retraining (the policy's `training` setting): feature vectors without text,
-- and full text only for API keys opted in. Purged by the training job (server/runtime/training-job.ts).
-- CreateTable
CREATE TABLE "TrainingSample" (
    "decisionId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "apiKeyId" TEXT,
    "band" TEXT,
    "finalTier" TEXT,
    "finalTarget" TEXT,
    "complexityModel" TEXT,
    "complexity" JSONB,
    "answers" JSONB NOT NULL DEFAULT '[]',
    "text" JSONB,

    CONSTRAINT "TrainingSample_pkey" PRIMARY KEY ("decisionId")
);

-- CreateIndex
CREATE INDEX "TrainingSample_createdAt_idx" ON "TrainingSample"("createdAt");
