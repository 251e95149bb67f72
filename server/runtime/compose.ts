// The composition root: builds the Runtime from the core modules. Only this file knows which
// implementation serves which port; transports see only the contracts (server/contracts), entry
// points the Runtime (types.ts).
import { BackgroundTasks } from '../lib/background';
import { join } from 'node:path';
import type { ResponseCache } from '../cache/types';
import type { CacheStats } from '../cache/cache';
import { createAnalyzer } from '../complexity';
import { loadAnswerModel } from '../judging/holder';
import { watchAnswerModel } from '../judging/watcher';
import { LiveAnalyzer, watchComplexityModel } from '../complexity/live';
import { modelRegistry } from '../repos/models';
import { ensureSeed, LEGACY_SIMULATED_MODELS, SIMULATED_TIERS } from '../repos/seed';
import { createBatchService } from '../batch';
import { createChatService } from '../gateway/chat-service';
import { createEmbeddingsService } from '../gateway/embeddings';
import { stickyTiers } from '../gateway/sticky';
import { successRates } from '../feedback/rollup';
import { createTierRegistry } from '../tiers/registry';
import { startSimulator } from '../tiers/simulator';
import { connectDatabase, databaseGuard } from '../db/client';
import { createRecorder } from '../decisions/recorder';
import type { Env } from '../env';
import { listModels } from '../tiers/connector';
import type { TierConfig } from '../tiers/types';
import { cipherFromEnv } from './cipher';
import type { Runtime } from './types';
import { rollupBudgetSource } from './budgets';
import { createFeedbackPort } from './feedback-port';
import { createPolicyProvider } from './policy-provider';
import { LiveRatingHistory, loadRatedDecisions } from './rating-history';
import { startTunerScheduler } from './tuner-scheduler';
import { startResponsesPurge } from './responses-purge';
import { startTrainingJob } from './training-job';
import { log } from '../observability/log';
import { authSecret } from './secrets';
import type { TierTestResult } from '../contracts/stores';
import { decisionReader } from '../repos/decisions';
import { policyStore } from '../repos/policies';
import { writeProcessFile } from './process-file';
import { tierStore } from '../repos/tiers';
import { apiKeyStore, apiKeyVerifier, userAuth } from '../repos/users';
import { userStore } from '../repos/user-store';
import { keyUsage } from '../repos/key-usage';
import { responseStore } from '../repos/responses';
import { accountStates } from '../auth/account-state';
import { outageTolerantVerifier } from '../resilience/outage-keys';
import { shareRevocations } from '../resilience/revocations';
import { createTierDirectory } from './tier-directory';
import type { ChatService } from '../contracts/chat';
import { createCoordinator } from '../coord';
import { startTracing } from '../observability/tracing';
import { scaleOut, sharedScraper } from './scale-out';

export async function compose(e: Env): Promise<Runtime> {
  const db = await connectDatabase({ url: e.DATABASE_URL });
  const prisma = db.prisma;
  const closers: (() => Promise<void> | void)[] = [];
  try {
    await startTracing({ endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME });
    // Closed last but one (after the recorder flushed): leases and tier slots are handed back on the way out.
    const coord = await createCoordinator({ redisUrl: e.REDIS_URL, prefix: e.CASCADE_REDIS_PREFIX });
    closers.push(() => coord.close());
    const tiersStore = tierStore(prisma, cipherFromEnv(e));
    const policies = policyStore(prisma);
    const accounts = accountStates(prisma);
    const usage = keyUsage(prisma);
    closers.push(() => usage.close());
    // Known keys keep working through a database outage (server/resilience/outage-keys.ts).
    const keyCheck = apiKeyVerifier(prisma, { onUse: usage.touch });
    const verifier = outageTolerantVerifier(keyCheck, { databaseUp: () => databaseGuard()?.isUp() ?? true });
    const forgetKey = (id: string) => { keyCheck.forget(); verifier.revoked(id); };
    const revocations = shareRevocations(coord.bus, forgetKey);
    closers.push(() => revocations.close());
    const keys = apiKeyStore(prisma);
    // A change to a user reaches their sessions and the keys they made at once in this process.
    const userChanged = (id: string) => { accounts.forget(id); keyCheck.forget(); };
    const users = userStore(prisma, { onChange: userChanged });
    // Embedded mode answers with no GPU and no key: a loopback simulator serves the seeded tiers.
    // It also serves the seed's model names (the seed and the simulator name models independently).
    const simulator = e.CASCADE_SIMULATED_TIERS && !e.CASCADE_SIMULATOR_URL
      ? await startSimulator({
          port: e.CASCADE_SIMULATOR_PORT,
          host: '127.0.0.1',
          models: Object.fromEntries([...SIMULATED_TIERS, ...LEGACY_SIMULATED_MODELS].map((t) => [t.model, { role: t.role }])),
        })
      : null;
    if (simulator) closers.push(() => simulator.close());
    const seed = await ensureSeed(prisma, { simulatorBaseUrl: simulator?.baseUrl ?? (e.CASCADE_SIMULATED_TIERS ? (e.CASCADE_SIMULATOR_URL ?? null) : null), adminEmail: e.CASCADE_ADMIN_EMAIL, adminPassword: e.CASCADE_ADMIN_PASSWORD });
    const firstStart = seed.admin ? { adminEmail: seed.admin.email, adminPassword: seed.admin.generated ? seed.admin.password : '(CASCADE_ADMIN_PASSWORD)' } : null;
    // Simulated tiers are served by this process's simulator, whatever URL another process stored.
    const localTiers = await createTierDirectory(async () =>
      (await tiersStore.configs()).map((t) => (t.kind === 'simulated' && simulator ? { ...t, baseUrl: simulator.baseUrl } : t)),
    );
    const localPolicy = await createPolicyProvider(policies);
    closers.push(() => localPolicy.close());
    if (db.embedded) closers.push(writeProcessFile(e.CASCADE_DATA_DIR, db.url));

    // The request path's modules. The recorder is closed last-but-one (before the database) so
    // that SIGTERM flushes every queued decision.
    const recorder = createRecorder({ url: db.url, spoolDir: e.CASCADE_SPOOL_DIR ?? join(e.CASCADE_DATA_DIR, 'spool'), journalSync: e.CASCADE_JOURNAL_SYNC, journalSyncMs: e.CASCADE_JOURNAL_SYNC_MS });
    closers.push(() => recorder.close());
    // Rated decisions tilt the analyzer (historical patterns). The store needs the analyzer's feature
    // parameters, so the analyzer gets a store that is filled once it exists.
    const history = ratingHistoryOn(e) ? new LiveRatingHistory() : null;
    // Replaceable in place: a classifier version promoted in the model registry is swapped in (watch below).
    const analyzer = new LiveAnalyzer(await createAnalyzer({ modelPath: e.CASCADE_MODEL_PATH, ...(history ? { history } : {}) }), history ? { history } : {});
    if (history) {
      history.attach(analyzer.featureParams);
      const { policy: active } = localPolicy.current();
      for (const r of await loadRatedDecisions(prisma, RATING_HISTORY_LIMIT)) history.add(active, r);
    }
    const cache = await loadCache(db.url, localTiers.list(), e.CASCADE_CACHE_ANSWER_MEMORY_MB * 2 ** 20);
    if (cache) closers.push(() => cache.close());
    closers.push(() => analyzer.close());
    const registry = createTierRegistry({ directory: localTiers, admission: coord.admission(), scraper: sharedScraper(coord) });
    closers.push(() => registry.stop());
    const scale = scaleOut(coord, { recorder, registry, rollups: rollupBudgetSource(prisma), policy: localPolicy, ...(cache ? { cacheStats: () => cache.stats() } : {}) });
    closers.push(() => scale.close());
    // Policy and tier changes made here are announced; other replicas' announcements reload here.
    const policy = scale.announced(localPolicy, 'invalidate', 'policy');
    const tiers = scale.announced(localTiers, 'reload', 'tiers');
    // Cache stores run after the answer is sent; closed before the cache so none is cut off.
    const background = new BackgroundTasks();
    closers.push(() => background.whenIdle());
    const answerModel = await loadAnswerModel(e.CASCADE_ANSWER_MODEL_PATH);
    closers.push(() => answerModel.close());
    // A version promoted in the model registry replaces the artifact on every replica, no restart.
    const modelWatch = watchAnswerModel(modelRegistry(prisma), answerModel);
    await modelWatch.refresh();
    closers.push(() => modelWatch.stop());
    const classifierWatch = watchComplexityModel(modelRegistry(prisma), analyzer);
    await classifierWatch.refresh();
    closers.push(() => classifierWatch.stop());
    // A registry change (the models page, CLI `models promote`, any replica) is announced: every
    // replica reloads at once, not at its next 10 s refresh.
    const models = scale.announced({ refresh: () => Promise.all([modelWatch.refresh(), classifierWatch.refresh()]).then(() => undefined) }, 'refresh', 'models');
    const gateway = { analyzer, cache, policy, tiers: scale.tiers, sink: scale.sink, budgets: scale.budgets, answerModel, background: (t: Promise<unknown>) => background.track(t), sticky: stickyTiers() };
    const chat: ChatService = scale.chat(createChatService(gateway));
    const embeddings = createEmbeddingsService({ tiers: registry, sink: scale.sink });
    const interval = tunerInterval(e);
    const tuner = startTunerScheduler(prisma, { intervalMs: interval, onPolicyChange: () => policy.invalidate(), gate: scale.tunerGate(interval), onRun: scale.onTunerRun });
    closers.push(() => tuner.stop());
    const training = startTrainingJob(prisma, { policy, ...trainingIntervals(e), gate: scale.trainingGate(), log: (level, msg, fields) => log()[level](fields ?? {}, msg) });
    closers.push(() => training.stop());
    // Batch jobs go through the same ChatService; stopped before the recorder so their decisions flush.
    // Batch items are not held to per-minute rate limits: a job is paced by tier capacity instead.
    const responses = responseStore(prisma, { retentionMs: e.CASCADE_RESPONSES_RETENTION_DAYS * 86_400_000 });
    if (e.CASCADE_RESPONSES_RETENTION_DAYS > 0 && e.CASCADE_RESPONSES_PURGE_INTERVAL_MS > 0) {
      const purge = startResponsesPurge(responses, { everyMs: e.CASCADE_RESPONSES_PURGE_INTERVAL_MS, leads: () => coord.leader('responses-purge').isLeader() });
      closers.push(() => purge.stop());
    }
    const batches = createBatchService({ prisma, chat: createChatService(gateway), gateway: { analyzer, policy, tiers: registry } });
    await batches.start();
    closers.push(() => batches.stop());

    return {
      env: e,
      authSecret: authSecret(e),
      chat,
      embeddings,
      tiers,
      apiKeys: verifier,
      accounts,
      keyUsage: usage,
      users: userAuth(prisma, { onChange: userChanged }),
      batches,
      feedback: createFeedbackPort({ prisma, cache, history, policy, settle: () => recorder.flush() }),
      responses,
      tuner,
      quality: { successRates: (filter, by) => successRates(prisma, filter, by) },
      stores: {
        tiers: tiersStore,
        policies,
        // Revocation must take effect at once in this process, and in the others over the bus (they may be
        // serving keys from memory through a database outage).
        apiKeys: { ...keys, revoke: async (id, actor) => { const k = await keys.revoke(id, actor); forgetKey(id); await revocations.announce(id); return k; } },
        users,
        decisions: decisionReader(prisma),
      },
      policy,
      models: {
        refresh: models.refresh,
        live: () => ({
          answer: { active: answerModel.meta()?.modelVersion ?? null, shadow: answerModel.shadow()?.modelVersion ?? null },
          complexity: { active: analyzer.modelVersion, shadow: analyzer.shadowVersion },
        }),
      },
      recorder,
      testTier,
      tierRegistry: registry,
      coord,
      metrics: scale.metrics,
      whenIdle: () => background.whenIdle(),
      firstStart,
      info: { database: db.embedded ? 'embedded' : 'external', simulatorUrl: simulator?.baseUrl ?? null },
      async stop() {
        for (const close of closers.reverse()) await close();
        await db.close();
      },
    };
  } catch (err) {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => undefined);
    await db.close().catch(() => undefined);
    throw err;
  }
}

/** At most this many rated decisions are loaded into the history store at start (newest first). */
const RATING_HISTORY_LIMIT = 20_000;

function ratingHistoryOn(e: Env): boolean {
  if (e.CASCADE_RATING_HISTORY !== undefined) return e.CASCADE_RATING_HISTORY === 'true' || e.CASCADE_RATING_HISTORY === '1';
  // Tests share one database: ratings from other test files must not tilt their assessments.
  return e.NODE_ENV !== 'test';
}

function trainingIntervals(e: Env): { purgeEveryMs: number; retrainEveryMs: number } {
  const test = e.NODE_ENV === 'test';
  return { purgeEveryMs: e.CASCADE_TRAINING_PURGE_INTERVAL_MS ?? (test ? 0 : 3_600_000), retrainEveryMs: e.CASCADE_RETRAIN_INTERVAL_MS ?? (test ? 0 : 86_400_000) };
}

function tunerInterval(e: Env): number {
  return e.CASCADE_TUNER_INTERVAL_MS ?? (e.NODE_ENV === 'test' ? 0 : 15 * 60_000);
}

async function testTier(tier: TierConfig): Promise<TierTestResult> {
  const started = performance.now();
  try {
    const models = await listModels(tier, { timeoutMs: Math.min(tier.timeoutMs, 10_000) });
    const missing = models.length > 0 && !models.includes(tier.model);
    return {
      ok: !missing,
      latencyMs: Math.round(performance.now() - started),
      models,
      error: missing ? `the endpoint does not serve model "${tier.model}" (it serves ${models.slice(0, 10).join(', ')})` : null,
    };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), models: [], error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * The response cache is an optimization: when it cannot start (e.g. its native ANN index is not
 * built on this machine) Cascade serves without it and says so, instead of refusing to start.
 */
async function loadCache(url: string, tiers: TierConfig[], answerMemoryBytes: number): Promise<(ResponseCache & { close(): Promise<void>; stats(): CacheStats }) | null> {
  try {
    const [{ createCache }, { cacheEmbedder }] = await Promise.all([import('../cache'), import('../embedding')]);
    // An enabled tier with role 'embedding' (vLLM, TEI, Ollama /v1/embeddings), else the built-in one
    // CASCADE_EMBEDDER names. Chosen at start: a later embedding tier takes effect at the next start.
    const embedder = await cacheEmbedder(tiers, (msg) => console.warn(`cascade: ${msg}`));
    console.log(`cascade: cache embedder ${embedder.id}`);
    return await createCache({ url, embedder, answerMemoryBytes });
  } catch (err) {
    console.warn(`cascade: response cache disabled: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}
