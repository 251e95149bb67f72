// Prometheus metrics (prom-client) of one process. Request figures come from the decision records
// (every request yields exactly one, refusals and failures included), so the request path gains
// no extra call sites; live state (admission, breakers, recorder, leases) is read at scrape time.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DecisionRecord } from '../decisions/types';

/** What the scrape-time gauges read: small views of the runtime, so this module imports none of it. */
export interface LiveSources {
  admission?: () => { tier: string; inFlight: number; queued: number; maxConcurrency: number }[];
  breakers?: () => { tier: string; state: 'closed' | 'open' | 'half-open' }[];
  recorder?: () => { queued: number; spoolPendingBatches: number; written: number; spooled: number; dropped: number; rejected: number; databaseUp: boolean };
  leaders?: () => { job: string; leader: boolean }[];
  cache?: () => { entries: number; answersHeld: number; answerBytes: number; answerReads: number; verifierRejections: Record<string, number> };
  coordination?: { kind: string; replicaId: string };
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const BREAKER = { closed: 0, 'half-open': 1, open: 2 } as const;

export class CascadeMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'cascade_requests_total', help: 'Requests by API door (chat.completions, responses, messages, embeddings; none for the console), source (api, trpc, chat, batch), complexity band, answering tier, outcome and cache status', labelNames: ['door', 'source', 'band', 'tier', 'outcome', 'cache'], registers: [this.registry] });
  private readonly errors = new Counter({ name: 'cascade_request_errors_total', help: 'Requests that did not end in an answer, by door, source and error code', labelNames: ['door', 'source', 'code'], registers: [this.registry] });
  private readonly latency = new Histogram({ name: 'cascade_request_duration_seconds', help: 'Whole request time (for streams: until the last token)', labelNames: ['door', 'source', 'band', 'tier', 'outcome'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly ttft = new Histogram({ name: 'cascade_time_to_first_token_seconds', help: 'Time to the first answer token (cache hits: to the cached answer)', labelNames: ['door', 'source', 'tier'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  private readonly escalations = new Counter({ name: 'cascade_escalations_total', help: 'Escalations to the next tier, by the tier left and why (the failed attempt outcome)', labelNames: ['from_tier', 'reason'], registers: [this.registry] });
  private readonly cache = new Counter({ name: 'cascade_cache_requests_total', help: 'Response cache outcome per request: exact / semantic hit, miss, bypass, off', labelNames: ['layer'], registers: [this.registry] });
  private readonly attempts = new Counter({ name: 'cascade_tier_attempts_total', help: 'Tier calls by tier and outcome', labelNames: ['tier', 'outcome'], registers: [this.registry] });
  private readonly queueWait = new Histogram({ name: 'cascade_admission_wait_seconds', help: 'Time a tier call waited for admission (all replicas share the limit when REDIS_URL is set)', labelNames: ['tier'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers: [this.registry] });
  private readonly costUsd = new Counter({ name: 'cascade_cost_usd_total', help: 'Model cost of answered requests, USD, by tier and door', labelNames: ['tier', 'door'], registers: [this.registry] });
  private readonly rateLimited = new Counter({ name: 'cascade_rate_limited_total', help: 'Requests refused by a per-key rate limit (429), by the limit that refused', labelNames: ['limit'], registers: [this.registry] });
  private readonly tunerRuns = new Counter({ name: 'cascade_tuner_runs_total', help: 'Threshold tuner runs by action (this replica)', labelNames: ['action'], registers: [this.registry] });

  constructor(live: LiveSources = {}, opts: { defaultMetrics?: boolean } = {}) {
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const reg = [this.registry];
    if (live.admission) {
      const read = live.admission;
      new Gauge({ name: 'cascade_admission_in_flight', help: 'Tier calls holding an admission slot (the shared count when coordinated)', labelNames: ['tier'], registers: reg, collect() { this.reset(); for (const a of read()) this.set({ tier: a.tier }, a.inFlight); } });
      new Gauge({ name: 'cascade_admission_queue_depth', help: 'Tier calls waiting for admission', labelNames: ['tier'], registers: reg, collect() { this.reset(); for (const a of read()) this.set({ tier: a.tier }, a.queued); } });
      new Gauge({ name: 'cascade_admission_limit', help: 'Tier max concurrency', labelNames: ['tier'], registers: reg, collect() { this.reset(); for (const a of read()) this.set({ tier: a.tier }, a.maxConcurrency); } });
    }
    if (live.breakers) {
      const read = live.breakers;
      new Gauge({ name: 'cascade_breaker_state', help: 'Circuit breaker per tier: 0 closed, 1 half-open, 2 open', labelNames: ['tier'], registers: reg, collect() { this.reset(); for (const b of read()) this.set({ tier: b.tier }, BREAKER[b.state]); } });
    }
    if (live.recorder) {
      const read = live.recorder;
      new Gauge({ name: 'cascade_recorder_queue_depth', help: 'Decisions waiting in memory for their batch (the recorder lag, in records)', registers: reg, collect() { this.set(read().queued); } });
      new Gauge({ name: 'cascade_recorder_spool_batches', help: 'Batches in the outage spool, not yet in Postgres', registers: reg, collect() { this.set(read().spoolPendingBatches); } });
      new Gauge({ name: 'cascade_recorder_database_up', help: '1 while the recorder reaches Postgres', registers: reg, collect() { this.set(read().databaseUp ? 1 : 0); } });
      new Gauge({ name: 'cascade_recorder_records', help: 'Decision records by fate since start (written, spooled, dropped, rejected)', labelNames: ['fate'], registers: reg, collect() { const s = read(); for (const f of ['written', 'spooled', 'dropped', 'rejected'] as const) this.set({ fate: f }, s[f]); } });
    }
    if (live.cache) {
      const read = live.cache;
      new Gauge({ name: 'cascade_cache_entries', help: 'Response cache entries held by this replica', registers: reg, collect() { this.set(read().entries); } });
      new Gauge({ name: 'cascade_cache_answers_held', help: 'Cached answers held in memory (CASCADE_CACHE_ANSWER_MEMORY_MB); the others are read from Postgres on a hit', registers: reg, collect() { this.set(read().answersHeld); } });
      new Gauge({ name: 'cascade_cache_answer_bytes', help: 'Estimated bytes of the cached answers held in memory', registers: reg, collect() { this.set(read().answerBytes); } });
      new Gauge({ name: 'cascade_cache_answer_reads', help: 'Hits since start whose answer was read from Postgres (a rising rate: a larger answer budget would save those reads)', registers: reg, collect() { this.set(read().answerReads); } });
      new Gauge({ name: 'cascade_cache_verifier_rejections', help: 'Semantic candidates the hit verifier rejected since start, by check', labelNames: ['check'], registers: reg, collect() { this.reset(); for (const [check, n] of Object.entries(read().verifierRejections)) this.set({ check }, n); } });
    }
    if (live.leaders) {
      const read = live.leaders;
      new Gauge({ name: 'cascade_leader', help: '1 when this replica holds the job\'s leader lease', labelNames: ['job'], registers: reg, collect() { this.reset(); for (const l of read()) this.set({ job: l.job }, l.leader ? 1 : 0); } });
    }
    if (live.coordination) {
      const g = new Gauge({ name: 'cascade_replica_info', help: 'This replica: coordination kind and id', labelNames: ['coordination', 'replica'], registers: reg });
      g.set({ coordination: live.coordination.kind, replica: live.coordination.replicaId }, 1);
    }
  }

  /** One finished request (called by the decision sink wrapper for every record). */
  observeDecision(d: DecisionRecord): void {
    // The API shape the request came in, and where from (the console's own calls have no door).
    const door = d.door ?? 'none';
    const source = d.source;
    const band = d.band ?? 'none';
    const tier = d.finalTier ?? 'none';
    const outcome = d.status;
    this.requests.inc({ door, source, band, tier, outcome, cache: d.cacheStatus });
    this.latency.observe({ door, source, band, tier, outcome }, d.latencyMs / 1000);
    if (d.ttftMs != null) this.ttft.observe({ door, source, tier }, d.ttftMs / 1000);
    if (d.status !== 'ok') this.errors.inc({ door, source, code: d.errorCode ?? d.status });
    this.cache.inc({ layer: d.cacheStatus });
    if (d.costUsd > 0) this.costUsd.inc({ tier, door }, d.costUsd);
    // Judge verdict rows (steps 'judge:<judge>') sit between an answer and the next tier's answer.
    const atts = d.attempts.filter((a) => !a.step.startsWith('judge:'));
    for (let i = 0; i < atts.length; i++) {
      const a = atts[i];
      this.attempts.inc({ tier: a.tierName, outcome: a.outcome });
      this.queueWait.observe({ tier: a.tierName }, a.queueMs / 1000);
      if (a.outcome !== 'ok' && i + 1 < atts.length && atts[i + 1].step === a.step) this.escalations.inc({ from_tier: a.tierName, reason: a.outcome });
    }
  }

  rateLimitedRequest(limit: 'requests' | 'tokens'): void {
    this.rateLimited.inc({ limit });
  }

  tunerRun(action: string): void {
    this.tunerRuns.inc({ action });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
