// Wires cross-process coordination (server/coord) and observability (server/observability) into
// the runtime, so compose.ts stays a list of parts: the decision sink also feeds metrics and the
// shared spend counters, policy and tier reloads are announced to the other replicas, the tuner
// runs on the leader once per interval, rate limits wrap the chat service, and spans wrap the
// chat service and tier calls when tracing is on.
import type { ChatService } from '../contracts/chat';
import type { Coordinator } from '../coord/types';
import { SharedScraper } from '../coord/shared-scraper';
import { sharedBudgetSource } from '../coord/shared-budgets';
import type { DecisionSink } from '../decisions/types';
import type { Recorder } from '../decisions/recorder';
import type { BudgetSource } from '../gateway/types';
import { rateLimitedChat } from '../gateway/rate-limit';
import { log } from '../observability/log';
import { CascadeMetrics } from '../observability/metrics';
import { tracing } from '../observability/tracing';
import { tracedChat, tracedTiers } from '../observability/traced';
import type { MetricsScraper } from '../tiers/metrics-scraper';
import type { TierRegistry } from '../tiers/registry';
import type { Policy } from '../routing/policy';
import type { CacheStats } from '../cache/cache';

/** Jobs that run on one replica at a time. */
export const SINGLETON_JOBS = ['tuner', 'vllm-metrics', 'responses-purge', 'training'] as const;

export function sharedScraper(coord: Coordinator): MetricsScraper | undefined {
  return coord.kind === 'redis' ? new SharedScraper(coord.leader('vllm-metrics'), coord.shared) : undefined;
}

export function scaleOut(coord: Coordinator, parts: { recorder: Recorder; registry: TierRegistry; rollups: BudgetSource; policy: { current(): { policy: Policy } }; cacheStats?: () => CacheStats }) {
  const { recorder, registry } = parts;
  // Every replica contends for every singleton job from the start, so a takeover never waits for a first use.
  for (const job of SINGLETON_JOBS) coord.leader(job);
  const metrics = new CascadeMetrics({
    admission: () => registry.admission.states(),
    breakers: () => registry.list().map((t) => ({ tier: t.name, state: registry.client(t.name)?.breaker ?? 'closed' })),
    recorder: () => recorder.stats(),
    ...(parts.cacheStats ? { cache: parts.cacheStats } : {}),
    leaders: () => SINGLETON_JOBS.map((job) => ({ job, leader: coord.leader(job).isLeader() })),
    coordination: { kind: coord.kind, replicaId: coord.replicaId },
  });
  const shared = coord.spend ? sharedBudgetSource(coord.spend, parts.rollups) : null;
  const logger = log();
  const sink: DecisionSink = {
    record(d) {
      recorder.record(d);
      metrics.observeDecision(d);
      if (shared && d.apiKeyId && d.costUsd > 0) shared.add(d.apiKeyId, d.costUsd, d.createdAt);
      if (d.status === 'error') logger.warn({ decision_id: d.id, tier: d.finalTier, error_code: d.errorCode }, 'request failed');
      else if (logger.isLevelEnabled('debug')) logger.debug({ decision_id: d.id, tier: d.finalTier, band: d.band, status: d.status, cache: d.cacheStatus, latency_ms: Math.round(d.latencyMs) }, 'decision');
    },
  };
  const t = tracing();
  const unsubscribe: (() => void)[] = [];

  /** A reloadable part whose reloads other replicas repeat (policy, tiers): announced after the local one. */
  function announced<T extends object>(part: T, reload: keyof T & string, topic: string): T {
    const original = (part[reload] as () => Promise<void>).bind(part);
    unsubscribe.push(coord.bus.subscribe(topic, () => void original().catch((err: unknown) => logger.warn({ err: String(err), topic }, 'reload after a notice failed'))));
    return {
      ...part,
      [reload]: async () => {
        await original();
        await coord.bus.publish(topic).catch(() => undefined);
      },
    };
  }

  return {
    metrics,
    sink,
    budgets: shared ?? parts.rollups,
    /** Tier calls as the gateway makes them (with attempt spans when tracing is on). */
    tiers: t ? tracedTiers(registry, t.tracer) : registry,
    /** The public chat service: per-key rate limits, and a request span when tracing is on. */
    chat(inner: ChatService): ChatService {
      const limited = rateLimitedChat(inner, coord.rateLimiter, parts.policy, (l) => metrics.rateLimitedRequest(l));
      return t ? tracedChat(limited, t.tracer) : limited;
    },
    announced,
    /** The tuner timer's gate: this replica leads, and nobody ran in this interval yet. */
    tunerGate(intervalMs: number): (() => Promise<boolean>) | undefined {
      if (coord.kind === 'local') return undefined;
      const lease = coord.leader('tuner');
      return async () => lease.isLeader() && (await coord.shared.claim(`tuner:${Math.floor(Date.now() / intervalMs)}`, intervalMs));
    },
    onTunerRun: (action: string) => metrics.tunerRun(action),
    /** The training job's gate: this replica holds the 'training' lease and nobody ran this job in this interval. */
    trainingGate(): ((job: string, intervalMs: number) => Promise<boolean>) | undefined {
      if (coord.kind === 'local') return undefined;
      const lease = coord.leader('training');
      return async (job, intervalMs) => lease.isLeader() && (await coord.shared.claim(`training:${job}:${Math.floor(Date.now() / intervalMs)}`, intervalMs));
    },
    close() {
      for (const u of unsubscribe) u();
    },
  };
}
