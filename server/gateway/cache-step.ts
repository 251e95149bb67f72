// The cache step. Looked up after planning, because a hit must come from a tier at least as strong
// as the one the policy chose; stored after the answer is on the wire. A failing cache is a miss,
// never a failed request.
import { scopeFor } from '../cache/eligibility';
import type { CacheHit } from '../cache/types';
import { keyOverride } from '../routing/policy';
import { TARGET_RANK } from '../routing/plan';
import { lastAnswerAttempt } from '../routing/attempts';
import type { ExecResult } from '../routing/executor';
import { sample, STAGE_TRACE, traceNow } from '../lib/stage-trace';
import type { RecordContext, RequestContext } from './context';

/** The similarity threshold of this request's scope: the key's override, else the policy's. */
export function cacheThreshold(ctx: Pick<RecordContext, 'policy' | 'principal'>): number {
  return keyOverride(ctx.policy, ctx.principal.apiKeyId)?.cacheSimilarityThreshold ?? ctx.policy.cache.similarityThreshold;
}

export async function cacheLookup(ctx: RequestContext): Promise<CacheHit | null> {
  if (!ctx.eligibility.eligible || !ctx.deps.cache) return null;
  try {
    return await ctx.deps.cache.lookup({
      prompt: ctx.eligibility.prompt, scope: scopeFor(ctx.principal.tenant, ctx.eligibility),
      minTierRank: TARGET_RANK[ctx.plan.target], threshold: cacheThreshold(ctx),
    });
  } catch {
    return null;
  }
}

export function cacheStore(ctx: RequestContext, res: ExecResult): void {
  if (!ctx.eligibility.eligible || !ctx.deps.cache || res.status !== 'ok' || !res.tier) return;
  if (lastAnswerAttempt(res.attempts)?.outcome !== 'ok') return; // never cache an answer that failed its checks
  const tierName = res.tier.name;
  const rank = ctx.plan.kind === 'research' ? 3 : TARGET_RANK[(['small', 'medium', 'large'] as const).find((t) => ctx.policy.targets[t] === tierName) ?? 'large'];
  const cache = ctx.deps.cache;
  const entry = { prompt: ctx.eligibility.prompt, scope: scopeFor(ctx.principal.tenant, ctx.eligibility), answer: res.content, tierName, tierRank: rank, costUsd: ctx.log.costUsd, ttlSeconds: ctx.policy.cache.ttlSeconds, decisionId: ctx.id };
  // After the answer is on the wire: store() embeds the prompt synchronously before its first
  // await, which would otherwise delay every miss's response (setImmediate runs after this turn's
  // I/O callbacks and microtasks, i.e. after the response was written).
  const task = STAGE_TRACE ? tracedStore(() => cache.store(entry)) : new Promise<void>((resolve) => setImmediate(resolve)).then(() => cache.store(entry)).catch(() => undefined);
  ctx.deps.background?.(task);
}

/** cacheStore's task with its parts timed: the deferral, store()'s synchronous part, the whole. */
function tracedStore(store: () => Promise<void>): Promise<void> {
  const t0 = traceNow();
  return new Promise<number>((resolve) => setImmediate(() => resolve(traceNow())))
    .then((t1) => {
      sample('after.store.defer', t1 - t0);
      const p = store();
      sample('after.store.sync', traceNow() - t1);
      return p.then(() => sample('after.store.total', traceNow() - t1));
    })
    .catch(() => undefined);
}
