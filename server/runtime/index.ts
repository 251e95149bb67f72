// The process-wide runtime: one per Node process, shared by the custom server (server.ts) and Next's
// route modules, which are bundled separately and so cannot share a module-level variable. It lives
// on globalThis under a registered symbol; the first caller starts it, everyone else awaits the same
// promise.
import { env, type Env } from '../env';
import type { Stores, TierTestResult } from '../contracts/stores';
import type { ChatService } from '../contracts/chat';
import type { ApiKeyVerifier, FeedbackPort, TierDirectory, UserAuth } from '../contracts/ports';
import type { Policy } from '../routing/policy';
import type { TierConfig } from '../tiers/types';
import type { Recorder } from '../decisions/recorder';
import type { BatchService } from '../batch/types';
import type { SuccessDimension, SuccessFilter, SuccessRow } from '../feedback/rollup';
import type { TunerScheduler } from './tuner-scheduler';
import type { AccountStates } from '../auth/account-state';
import type { KeyUsage } from '../db/repos/key-usage';
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
  tiers: TierDirectory & { reload(): Promise<void> };
  apiKeys: ApiKeyVerifier;
  /** Users' current role / disabled / session version: every session is checked against it. */
  accounts: AccountStates;
  /** API keys' "last used", written in batches. */
  keyUsage: KeyUsage;
  users: UserAuth;
  feedback: FeedbackPort;
  /** Batch jobs (server/batch): started with the runtime, resuming unfinished jobs. */
  batches: BatchService;
  stores: Stores;
  policy: PolicyProvider;
  /** The auto-tuner: scheduled runs (CASCADE_TUNER_INTERVAL_MS), run now, proposals, approve / reject. */
  tuner: TunerScheduler;
  /** Success rates from the feedback rollups (Wilson intervals). */
  quality: { successRates(filter: SuccessFilter, by: readonly SuccessDimension[]): Promise<SuccessRow[]> };
  testTier(tier: TierConfig): Promise<TierTestResult>;
  /** The gateway's live tier registry (breakers, admission queues, vLLM scrapes): read by the tiers page. */
  tierRegistry: ReturnType<typeof createTierRegistry>;
  /** The decision recorder (flush() in tests; closed by stop()). */
  recorder: Recorder;
  /** Set on the very first start of a fresh install: the generated admin password, to print once. */
  firstStart: { adminEmail: string; adminPassword: string } | null;
  /** Embedded-mode details for the startup banner. */
  info: { database: 'embedded' | 'external'; simulatorUrl: string | null };
  /** Flushes the decision recorder and closes everything. */
  stop(): Promise<void>;
}

const KEY = Symbol.for('cascade.runtime');
type Holder = { [KEY]?: Promise<Runtime> };
const holder = globalThis as Holder;

/** Starts the runtime once per process (idempotent). */
export function startRuntime(e: Env = env()): Promise<Runtime> {
  holder[KEY] ??= import('./compose').then((m) => m.compose(e));
  // A failed start must not stay cached: the next caller tries again (e.g. after the DB comes up).
  holder[KEY].catch(() => {
    delete holder[KEY];
  });
  return holder[KEY];
}

export function getRuntime(): Promise<Runtime> {
  return startRuntime();
}

export async function stopRuntime(): Promise<void> {
  const p = holder[KEY];
  if (!p) return;
  delete holder[KEY];
  const rt = await p.catch(() => null);
  await rt?.stop();
}
