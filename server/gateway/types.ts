// The request pipeline's dependencies, as interfaces: the pipeline is framework-free and testable
// with real implementations wired in by the composition root (server/runtime/compose.ts).
import type { StickyTiers } from './sticky';
import type { ResponseCache } from '../cache/types';
import type { Analyzer } from '../complexity/types';
import type { DecisionSink } from '../decisions/types';
import type { QualityScorer } from '../judging/scorer';
import type { Policy } from '../routing/policy';
import type { TierRegistry } from '../tiers/registry';

export interface PolicySource {
  current(): { version: number; policy: Policy };
}

/** The active answer-quality model; read per request so a promoted model takes effect without a restart. */
export interface AnswerModelSource {
  current(): QualityScorer | null;
  /** A candidate model scored beside the active one (shadow): recorded in the verdict, no effect. */
  shadow?(): QualityScorer | null;
}

export interface BudgetSource {
  /**
   * USD spent this calendar month by the key. May lag by a few seconds (served from memory); a
   * promise only when the value is not in memory yet (first request of a key, new month).
   */
  spentUsd(apiKeyId: string): number | Promise<number>;
}

export interface GatewayDeps {
  analyzer: Analyzer;
  cache: ResponseCache | null;
  policy: PolicySource;
  tiers: TierRegistry;
  sink: DecisionSink;
  budgets?: BudgetSource;
  /** The answer-quality model for the answer judges (absent: the model judge abstains). */
  answerModel?: AnswerModelSource;
  /** Receives fire-and-forget work (cache stores) so shutdown, and tests, can wait for it. */
  background?: (task: Promise<unknown>) => void;
  /** Which tier each conversation was last answered by (absent: every turn is routed afresh). */
  sticky?: StickyTiers;
}
