import { describe, expect, it } from 'vitest';
import type { TierConfig } from '../../tiers/types';
import { liveTier, type LiveParts } from './tiers-live';

const tier = (o: Partial<TierConfig> = {}): TierConfig => ({
  id: 'x', name: 'small', role: 'small', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', inputPricePerM: 0, outputPricePerM: 0,
  maxConcurrency: 8, timeoutMs: 1000, enabled: true, ...o,
});
const adm = (o: Partial<NonNullable<ReturnType<LiveParts['admission']>>> = {}) => ({
  tier: 'small', inFlight: 0, queued: 0, maxConcurrency: 8, maxQueue: 64, p50LatencyMs: null, ewmaLatencyMs: null, ewmaQueueMs: null, rejected: 0, ...o,
});
const parts = (o: Partial<LiveParts> = {}): LiveParts => ({ breaker: () => 'closed', admission: () => adm(), scrape: () => undefined, ...o });

describe('liveTier', () => {
  it('reports an unused tier as ok and idle with its configured limit', () => {
    const v = liveTier(tier({ maxConcurrency: 5 }), parts({ admission: () => undefined, breaker: () => undefined }));
    expect(v).toMatchObject({ health: 'ok', reason: 'idle', breaker: 'closed', inFlight: 0, queued: 0, maxConcurrency: 5, maxQueue: null, upstream: null });
  });

  it('orders the health words: disabled, breaker, full queue, scrape error, waiting', () => {
    expect(liveTier(tier({ enabled: false }), parts({ breaker: () => 'open' })).health).toBe('disabled');
    expect(liveTier(tier(), parts({ breaker: () => 'open', admission: () => adm({ queued: 64 }) })).health).toBe('down');
    expect(liveTier(tier(), parts({ breaker: () => 'half-open' })).health).toBe('recovering');
    expect(liveTier(tier(), parts({ admission: () => adm({ queued: 64, inFlight: 8 }) }))).toMatchObject({ health: 'saturated', reason: 'admission queue full (64 of 64)' });
    expect(liveTier(tier(), parts({ admission: () => adm({ queued: 3, inFlight: 8 }) }))).toMatchObject({ health: 'busy', reason: '3 waiting' });
    expect(liveTier(tier(), parts({ admission: () => adm({ inFlight: 2, p50LatencyMs: 120 }) }))).toMatchObject({ health: 'ok', reason: '2 in flight', p50LatencyMs: 120 });
  });

  it('adds vLLM gauges for scraped tiers and counts their waiting requests', () => {
    const fresh = { running: 4, waiting: 6, kvCacheUsage: 0.5, scrapedAt: 1 };
    const v = liveTier(tier({ kind: 'vllm' }), parts({ scrape: () => ({ fresh, status: { load: fresh, lastError: null, lastAttemptAt: 1 }, maxModelLen: 8192 }) }));
    expect(v.upstream).toEqual({ running: 4, waiting: 6, kvCacheUsage: 0.5, scrapedAt: 1, error: null, maxModelLen: 8192 });
    expect(v).toMatchObject({ health: 'busy', reason: '6 waiting' });
    const failing = liveTier(tier({ kind: 'vllm' }), parts({ scrape: () => ({ fresh: undefined, status: { load: null, lastError: 'HTTP 404', lastAttemptAt: 1 } }) }));
    expect(failing).toMatchObject({ health: 'degraded', reason: 'metrics not scraped: HTTP 404' });
    expect(failing.upstream).toMatchObject({ running: null, waiting: null, kvCacheUsage: null, error: 'HTTP 404' });
  });
});
