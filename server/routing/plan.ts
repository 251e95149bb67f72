// The output of decide(): what the executor will do with one request, and why.
import type { Band } from '../complexity/types';
import type { JudgeName, RouteTarget } from './policy';

import type { Needs } from '../tiers/capabilities';
export type { TierState, TierStates } from '../tiers/types';

export interface DecideContext {
  /** The user's prompt text the rules match against (last user message, or the joined conversation). */
  prompt: string;
  apiKeyId?: string | null;
  /** Max cost per request the client asked for (USD), e.g. from a header. */
  maxCostUsd?: number | null;
  responseFormat?: 'text' | 'json_object' | 'json_schema' | null;
  /** Spent this month by the API key (USD), when the key has a budget. */
  budgetSpentUsd?: number | null;
  /** The client named a tier as its model: route there and nowhere else. */
  forcedTier?: string | null;
  /** What the request needs from a tier (tools, images, context): tiers that lack it are skipped. */
  needs?: Needs;
}

export type RejectCode = 'budget_exceeded' | 'no_tier_available' | 'forbidden' | 'unknown_tier' | 'unsupported_capability';

export interface ResearchSteps {
  planner: string;
  worker: string;
  synthesizer: string;
  maxSubQuestions: number;
  parallelism: number;
}

interface PlanBase {
  /** The target the score mapped to before rules, budgets and load changed it. */
  scoredTarget: RouteTarget | null;
  band: Band | null;
  score: number | null;
  thresholds: { t1: number; t2: number; t3: number };
  /** Plain sentences, in the order the decisions were taken. */
  reasons: string[];
}

/** The answer-side cascade of a plan: its answers are judged, and a bad one escalates. */
export interface JudgingPlan {
  mode: 'cascade' | 'hybrid';
  /** The band (routed target) whose settings apply. */
  band: Exclude<RouteTarget, 'research'>;
  judges: JudgeName[];
  acceptThreshold: number;
  uncertainBelow: number;
  judgeAcceptScore: number;
  stream: 'hold' | 'unjudged';
  /** Tier that grades answers for the judge_tier judge, if the policy names one. */
  judgeTier: string | null;
}

export interface CascadePlan extends PlanBase {
  kind: 'cascade';
  target: Exclude<RouteTarget, 'research'>;
  /** Tier names to try in order: the target's tier first, then its escalation chain. */
  chain: string[];
  /** Present when the band answers by cascade: the chain then starts on the cheapest allowed tier. */
  judging?: JudgingPlan;
}

export interface ResearchPlan extends PlanBase {
  kind: 'research';
  target: 'research';
  steps: ResearchSteps;
  /** Where to answer in one call if the pipeline cannot run (e.g. the planner fails twice). */
  chain: string[];
}

export interface RejectPlan extends PlanBase {
  kind: 'reject';
  target: null;
  chain: [];
  errorCode: RejectCode;
  /** Shown to the client. */
  message: string;
}

export type Plan = CascadePlan | ResearchPlan | RejectPlan;

export const TARGET_RANK: Record<RouteTarget, number> = { small: 0, medium: 1, large: 2, research: 3 };
