-- JudgeRollup: answer-judge verdicts per hour (of the decision's createdAt), judge, tier and outcome
-- ('accepted' | 'rejected' | 'abstained'), kept by the decision writer with the other rollups: the
-- dashboard's escalation rate per judge reads this instead of scanning DecisionAttempt.
-- CreateTable
CREATE TABLE "JudgeRollup" (
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "judge" TEXT NOT NULL,
    "tier" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "JudgeRollup_pkey" PRIMARY KEY ("bucket","judge","tier","outcome")
);

-- Backfill from the verdicts already recorded (steps 'judge:<judge>').
INSERT INTO "JudgeRollup" ("bucket", "judge", "tier", "outcome", "count")
SELECT date_trunc('hour', "createdAt", 'UTC'), substr("step", 7), "tierName", "outcome", count(*)::int
  FROM "DecisionAttempt"
 WHERE "step" LIKE 'judge:%'
 GROUP BY 1, 2, 3, 4;
