// The shape of the running process the entry points get from startRuntime(): composed by
// compose.ts, handed out by index.ts.
import type { Coordinator } from '../coord/types';
import type { CascadeMetrics } from '../observability/metrics';
import type { Env } from '../env';
import type { Stores, TierTestResult } from '../contracts/stores';
import type { ChatService, EmbeddingsService } from '../contracts/chat';
import type { ResponseStore } from '../contracts/responses';
import type { ApiKeyVerifier, FeedbackPort, TierDirectory, UserAuth } from '../contracts/ports';
import type { Policy } from '../routing/policy';
import type { TierConfig } from '../tiers/types';
import type { Recorder } from '../decisions/recorder';
import type { BatchService } from '../batch/types';
import type { SuccessDimension, SuccessFilter, SuccessRow } from '../feedback/rollup';
import type { TunerScheduler } from './tuner-scheduler';
import type { AccountStates } from '../auth/account-state';
import type { KeyUsage } from '../repos/key-usage';
import type { createTierRegistry } from '../tiers/registry';

export interface PolicyProvider {
  /** The active policy version, cached in memory; refreshed by invalidate() after a change. */
  current(): { version: number; policy: Policy };
  invalidate(): Promise<void>;
}

export interface Runtime {
  env: Env;
  /** Signs next-auth JWTs; also used to read session cookies outside next-auth. */
  authSecret: string;
  chat: ChatService;
  /** /v1/embeddings: admitted by the tier registry, recorded as decisions (door 'embeddings'). */
  embeddings: EmbeddingsService;
  tiers: TierDirectory & { reload(): Promise<void> };
  apiKeys: ApiKeyVerifier;
  /** Users' current role / disabled / session version: every session is checked against it. */
  accounts: AccountStates;
  /** API keys' "last used", written in batches. */
  keyUsage: KeyUsage;
  users: UserAuth;
  feedback: FeedbackPort;
  /** Responses API answers kept for previous_response_id (Postgres). */
  responses: ResponseStore;
  /** Batch jobs (server/batch): started with the runtime, resuming unfinished jobs. */
  batches: BatchService;
  stores: Stores;
  policy: PolicyProvider;
  /** The model registry's versions as this replica runs them; refresh() reloads them here and on every other replica. */
  models: {
    refresh(): Promise<void>;
    live(): Record<'answer' | 'complexity', { active: string | null; shadow: string | null }>;
  };
  /** The auto-tuner: scheduled runs (CASCADE_TUNER_INTERVAL_MS), run now, proposals, approve / reject. */
  tuner: TunerScheduler;
  /** Success rates from the feedback rollups (Wilson intervals). */
  quality: { successRates(filter: SuccessFilter, by: readonly SuccessDimension[]): Promise<SuccessRow[]> };
  testTier(tier: TierConfig): Promise<TierTestResult>;
  /** The gateway's live tier registry (breakers, admission queues, vLLM scrapes): read by the tiers page. */
  tierRegistry: ReturnType<typeof createTierRegistry>;
  /** Resolves when the work started after answers (cache stores) has settled. */
  whenIdle(): Promise<void>;
  /** Cross-replica coordination (Redis when REDIS_URL is set, else in-process). */
  coord: Coordinator;
  /** Prometheus metrics of this process (served at /metrics). */
  metrics: CascadeMetrics;
  /** The decision recorder (flush() in tests; closed by stop()). */
  recorder: Recorder;
  /** Set on the very first start of a fresh install: the generated admin password, to print once. */
  firstStart: { adminEmail: string; adminPassword: string } | null;
  /** Embedded-mode details for the startup banner. */
  info: { database: 'embedded' | 'external'; simulatorUrl: string | null };
  /** Flushes the decision recorder and closes everything. */
  stop(): Promise<void>;
}
