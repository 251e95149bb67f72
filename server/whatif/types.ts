// Shapes of the policy what-if preview: the recorded facts of a decision it replays, the success
// table it falls back on, and the result the policy editor draws. Framework-free.

/** One recorded decision, as much of it as a replay needs. */
export interface ReplayDecision {
  id: string;
  createdAt: Date;
  apiKeyId: string | null;
  /** Redacted, at most 280 characters: rules are matched against this, not the full prompt. */
  promptPreview: string;
  score: number | null;
  band: string | null;
  /** The stored plan (decide()'s plan plus notes), as JSON. */
  plan: unknown;
  /** The tier that answered (after escalations), null when nothing did. */
  finalTier: string | null;
  cacheStatus: string;
  /** 'ok' | 'partial' | 'error' | 'rejected' */
  status: string;
  costUsd: number;
  /** Tokens of the attempt that gave the answer (not of failed attempts before it). */
  answerTokensIn: number;
  answerTokensOut: number;
  /** Explicit thumbs on this decision. */
  ratingsUp: number;
  ratingsDown: number;
}

/** Success counts of one tier x band from the feedback rollups (cache misses). */
export interface SuccessCount {
  tier: string;
  band: string;
  up: number;
  n: number;
}

export interface TierPrice {
  name: string;
  enabled: boolean;
  inputPricePerM: number;
  outputPricePerM: number;
}

/**
 * Where one decision's success figure comes from:
 * observed: its own explicit ratings (or a failure that was seen);
 * tier_band: the tier x band success rate of the rollups (extrapolated);
 * tier: the tier's rate over all bands, when its band has no ratings (extrapolated);
 * unknown: no ratings for the tier at all (left out of the success estimate).
 */
export type SuccessSource = 'observed' | 'tier_band' | 'tier' | 'unknown';

/** How the draft treats a decision. */
export type ReplayKind =
  /** Not replayed (cache hit, forced tier, tuner exploration, budget refusal, no score): counted as recorded on both sides. */
  | 'kept'
  /** The draft routes it where it went: the recorded outcome stands. */
  | 'unchanged'
  /** The draft starts at the tier that answered after escalating: observed answer, cheaper path. */
  | 'shortcut'
  /** A different tier (or research / a refusal): cost and success are extrapolated. */
  | 'changed';

export interface SideSummary {
  /** Decisions per route: tier name, 'research', '(cache)', '(rejected)', '(failed)'. */
  mix: Record<string, number>;
  costUsd: number;
  /** Mean success over the decisions with a figure; null when none has one. */
  success: { rate: number; low: number; high: number; n: number } | null;
  sources: Record<SuccessSource, number>;
  /** Decisions refused (no answer): not in the success estimate. */
  rejected: number;
}

export interface SampleChange {
  id: string;
  createdAt: Date;
  promptPreview: string;
  score: number | null;
  band: string | null;
  from: string;
  to: string;
  kind: ReplayKind;
  costBefore: number;
  costAfter: number;
  /** Success figure on the draft's side and where it comes from. */
  successAfter: number | null;
  sourceAfter: SuccessSource;
}

export interface WhatIfResult {
  replayed: number;
  kept: number;
  unchanged: number;
  changed: number;
  before: SideSummary;
  after: SideSummary;
  /** after - before, and relative to before (null when before cost 0). */
  costDelta: number;
  costDeltaPct: number | null;
  /** Decisions on the draft side whose success figure is extrapolated (tier_band / tier). */
  extrapolated: number;
  samples: SampleChange[];
  /** Plain sentences on what the replay could not know. */
  notes: string[];
  /** The answer-quality model's recorded scores against the draft's accept thresholds; null when no replayed decision has one. */
  judging?: JudgeReplay | null;
}

/** One attempt of a judged decision, as the replay reads it. */
export interface JudgedAttempt {
  seq: number;
  tier: string;
  step: string;
  outcome: string;
  detail: string | null;
  costUsd: number;
  tokensIn: number;
  tokensOut: number;
}

export interface JudgedDecision {
  id: string;
  plan: unknown;
  costUsd: number;
  /** Explicit thumbs on the decision (they rate the delivered answer). */
  ratingsUp: number;
  ratingsDown: number;
  finalTier: string | null;
  attempts: JudgedAttempt[];
}

export interface JudgeReplay {
  /** Judged answers with a recorded model score (the ones the draft's threshold can change). */
  answers: number;
  /** Decisions with at least one such answer. */
  decisions: number;
  acceptedBefore: number;
  acceptedAfter: number;
  /** Answers the draft would deliver that were escalated, and answers it would escalate that were delivered. */
  nowAccepted: number;
  nowRejected: number;
  /** Of the delivered answers the draft would escalate: how many their users rated up / down. */
  nowRejectedRated: { up: number; down: number };
  /** Share of replayed decisions whose first judged answer is escalated. */
  escalationRate: { before: number | null; after: number | null };
  costBefore: number;
  /** Approximate: an answer now accepted stops the chain there; one now rejected adds the next tier at its tokens. */
  costAfter: number;
  /** The thresholds per band: recorded (the newest decision's) and the draft's. */
  thresholds: { band: string; before: number | null; after: number }[];
}
