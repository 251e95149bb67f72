// Shapes the dashboards are built from. A rollup row aggregates the decisions of one hour for one
// (tier, band, api key, policy version) combination; sums and histograms only, so rows of any
// range can be merged without reading raw decisions.
import type { Band } from '../complexity/types';

/** Default upper bounds (ms) of latency histogram buckets; the rollups' own bounds are passed in. */
export const LATENCY_BUCKETS_MS = [50, 100, 200, 350, 500, 750, 1000, 1500, 2000, 3000, 5000, 8000, 13000, 20000, 30000, 60000] as const;

export interface RollupRow {
  /** Start of the hour (UTC). */
  bucket: Date;
  tier: string | null;
  band: Band | null;
  apiKeyId: string | null;
  policyVersion: number | null;
  requests: number;
  errors: number;
  cacheExact: number;
  cacheSemantic: number;
  escalated: number;
  costUsd: number;
  baselineCostUsd: number;
  /** Money spent on attempts that were then escalated (lost to escalation). */
  escalationCostUsd: number;
  /** Baseline cost of requests answered from the cache (saved by the cache). */
  cacheSavedUsd: number;
  tokensIn: number;
  tokensOut: number;
  ratedUp: number;
  ratedDown: number;
}

/** Latency facts of one tier over the selected range (histograms merge across hours). */
export interface LatencyInput {
  tier: string | null;
  requests: number;
  /** Counts per latency bucket (bounds passed alongside, +1 overflow bucket). */
  latencyHist: number[];
  ttftSumMs: number;
  ttftCount: number;
}

export interface EscalationReasonRow {
  reason: string;
  count: number;
}

/** Verdicts of one answer judge in the range (JudgeRollup). */
export interface JudgeVerdictRow {
  judge: string;
  outcome: string;
  count: number;
}

/** Explicit ratings of decisions whose delivered answer a judge accepted (its last verdict). */
export interface JudgeAcceptedRatingRow {
  judge: string;
  up: number;
  n: number;
}

export interface PolicyChange {
  version: number;
  activatedAt: Date;
  thresholds: { t1: number; t2: number; t3: number };
}

export type Granularity = 'hour' | 'day';
