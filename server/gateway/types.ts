// The request pipeline's dependencies, as interfaces: the pipeline is framework-free and testable
// with real implementations wired in by the composition root (server/runtime/compose.ts).
import type { ResponseCache } from '../cache/types';
import type { Analyzer } from '../complexity/types';
import type { DecisionSink } from '../decisions/types';
import type { TierStates } from '../routing/plan';
import type { Policy } from '../routing/policy';
import type { TierInvoker } from '../routing/ports';
import type { TierConfig } from '../tiers/types';

export interface PolicySource {
  current(): { version: number; policy: Policy };
}

/** Tiers as routing sees them: config, live state for decide(), and the calls. */
export interface TierRegistry extends TierInvoker {
  list(): TierConfig[];
  states(): TierStates;
}

export interface BudgetSource {
  /** USD spent this calendar month by the key (may lag slightly: it is read from memory). */
  spentUsd(apiKeyId: string): number;
}

export interface GatewayDeps {
  analyzer: Analyzer;
  cache: ResponseCache | null;
  policy: PolicySource;
  tiers: TierRegistry;
  sink: DecisionSink;
  budgets?: BudgetSource;
  /** Receives fire-and-forget work (cache stores) so shutdown, and tests, can wait for it. */
  background?: (task: Promise<unknown>) => void;
}
