// The composition root: builds the Runtime from the core modules. Only this file knows which
// implementation serves which port; transports see server/runtime/types.ts.
import { connectDatabase } from '../db/client';
import type { Env } from '../env';
import { listModels } from '../tiers/connector';
import type { TierConfig } from '../tiers/types';
import { ensureAdmin, ensurePolicy } from './bootstrap';
import { cipherFromEnv } from './cipher';
import type { Runtime } from './index';
import { createPolicyProvider } from './policy-provider';
import { authSecret } from './secrets';
import type { TierTestResult } from './stores';
import { decisionReader } from './stores/decisions';
import { policyStore } from './stores/policies';
import { tierStore } from './stores/tiers';
import { apiKeyStore, apiKeyVerifier, userAuth, userStore } from './stores/users';
import { createTierDirectory } from './tier-directory';
import type { ChatService } from './types';

export async function compose(e: Env): Promise<Runtime> {
  const db = await connectDatabase({ url: e.DATABASE_URL });
  const prisma = db.prisma;
  const closers: (() => Promise<void> | void)[] = [];
  try {
    const tiersStore = tierStore(prisma, cipherFromEnv(e));
    const policies = policyStore(prisma);
    const verifier = apiKeyVerifier(prisma);
    const keys = apiKeyStore(prisma);
    const firstStart = await ensureAdmin(prisma, e);
    await ensurePolicy(policies);
    const tiers = await createTierDirectory(() => tiersStore.configs());
    const policy = await createPolicyProvider(policies);
    closers.push(() => policy.close());

    const chat: ChatService = {
      complete: () => Promise.reject(Object.assign(new Error('The request pipeline is not available in this build.'), { code: 'unavailable' })),
      stream: () => Promise.reject(Object.assign(new Error('The request pipeline is not available in this build.'), { code: 'unavailable' })),
    };

    return {
      env: e,
      authSecret: authSecret(e),
      chat,
      tiers,
      apiKeys: verifier,
      users: userAuth(prisma),
      stores: {
        tiers: tiersStore,
        policies,
        // Revocation must take effect at once in this process, not after the verifier's cache TTL.
        apiKeys: { ...keys, revoke: async (id, actor) => { const k = await keys.revoke(id, actor); verifier.forget(); return k; } },
        users: userStore(prisma),
        decisions: decisionReader(prisma),
      },
      policy,
      testTier,
      firstStart,
      info: { database: db.embedded ? 'embedded' : 'external', simulatorUrl: null },
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
