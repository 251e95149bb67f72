// The metrics a decision produces, and the Grafana dashboard asks only for metrics that exist.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../decisions/types';
import { CascadeMetrics } from './metrics';

const attempt = (tierName: string, outcome: 'ok' | 'timeout', queueMs = 3) => ({
  seq: 0, tierId: tierName, tierName, step: 'answer', startedAt: new Date(), latencyMs: 10, ttftMs: null, queueMs, tokensIn: 5, tokensOut: 5, costUsd: 0.001, outcome, detail: null,
});

const decision = (over: Partial<DecisionRecord> = {}): DecisionRecord => ({
  id: 'd1', createdAt: new Date(), principalId: 'k', apiKeyId: 'k', source: 'api', promptHash: 'h', promptPreview: 'p', band: 'simple', score: 0.2, probs: null,
  signals: null, policyVersion: 1, plan: null, finalTier: 'medium', cacheStatus: 'miss', tokensIn: 10, tokensOut: 10, costUsd: 0.002, baselineCostUsd: 0.01,
  latencyMs: 250, ttftMs: 120, status: 'ok', errorCode: null, escalations: 1, attempts: [attempt('small', 'timeout'), attempt('medium', 'ok')], ...over,
});

function live() {
  return new CascadeMetrics({
    admission: () => [{ tier: 'small', inFlight: 2, queued: 1, maxConcurrency: 4 }],
    breakers: () => [{ tier: 'small', state: 'open' }],
    recorder: () => ({ queued: 3, spoolPendingBatches: 0, written: 10, spooled: 0, dropped: 0, rejected: 0, databaseUp: true }),
    leaders: () => [{ job: 'tuner', leader: true }],
    coordination: { kind: 'redis', replicaId: 'r1' },
  }, { defaultMetrics: false });
}

describe('metrics', () => {
  it('counts a request by door, source, band, tier, outcome and cache, its escalation by reason, and its admission wait', async () => {
    const m = live();
    m.observeDecision(decision({ door: 'responses' }));
    m.observeDecision(decision({ id: 'd2', door: 'messages', status: 'rejected', errorCode: 'budget_exceeded', finalTier: null, attempts: [], ttftMs: null, cacheStatus: 'bypass' }));
    m.observeDecision(decision({ id: 'd3', source: 'chat', door: null }));
    m.observeDecision(decision({ id: 'd4', door: 'embeddings', band: null, finalTier: 'emb', ttftMs: null, costUsd: 0.5, attempts: [] }));
    const text = await m.text();
    expect(text).toContain('cascade_requests_total{door="responses",source="api",band="simple",tier="medium",outcome="ok",cache="miss"} 1');
    expect(text).toContain('cascade_requests_total{door="none",source="chat",band="simple",tier="medium",outcome="ok",cache="miss"} 1');
    expect(text).toContain('cascade_requests_total{door="embeddings",source="api",band="none",tier="emb",outcome="ok",cache="miss"} 1');
    expect(text).toContain('cascade_request_errors_total{door="messages",source="api",code="budget_exceeded"} 1');
    expect(text).toContain('cascade_cost_usd_total{tier="emb",door="embeddings"} 0.5');
    expect(text).toContain('cascade_escalations_total{from_tier="small",reason="timeout"} 2');
    expect(text).toContain('cascade_admission_wait_seconds_count{tier="small"} 2');
    expect(text).toContain('cascade_time_to_first_token_seconds_count{door="responses",source="api",tier="medium"} 1');
    expect(text).toContain('cascade_breaker_state{tier="small"} 2');
    expect(text).toContain('cascade_recorder_queue_depth 3');
    expect(text).toContain('cascade_leader{job="tuner"} 1');
  });

  it('exports the response cache\'s entries, held answers, answer reads and verifier rejections', async () => {
    const { createCache } = await import('../cache');
    const cache = await createCache({ answerMemoryBytes: 0 });
    const scope = { tenant: 'metrics', systemPrompt: '', params: '{}' };
    await cache.store({ prompt: 'What is the capital of France?', scope, answer: 'Paris.', tierName: 'large', tierRank: 2, costUsd: 0.01, ttlSeconds: 0, decisionId: 'd' });
    await cache.lookup({ prompt: 'what is the capital of france', scope, minTierRank: 0, threshold: 0.75 });
    await cache.lookup({ prompt: 'What was the capital of France in 1900?', scope, minTierRank: 0, threshold: 0.75 });
    const text = await new CascadeMetrics({ cache: () => cache.stats() }, { defaultMetrics: false }).text();
    expect(text).toContain('cascade_cache_entries 1');
    expect(text).toContain('cascade_cache_answers_held 0'); // a budget of 0 holds none: every hit reads the store
    expect(text).toContain('cascade_cache_answer_reads 1');
    expect(text).toContain('cascade_cache_verifier_rejections{check="number"} 1');
    await cache.close();
  });

  it('the Grafana dashboard queries only metrics Cascade exports', async () => {
    const m = live();
    m.observeDecision(decision());
    m.rateLimitedRequest('requests');
    m.tunerRun('kept');
    const text = await m.text();
    const exported = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)/gm)].flatMap(([, name, type]) => (type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name])));
    const dashboard = JSON.parse(readFileSync(new URL('../../deploy/grafana/cascade-dashboard.json', import.meta.url), 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => [...t.expr.matchAll(/\b(cascade_[a-z_]+)/g)].map((x) => x[1]))));
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((n) => !exported.has(n))).toEqual([]);
  });
});
