// vLLM /metrics scraping as singleton work: only the lease holder scrapes the GPU server; the other
// replica routes on the same gauges, read from Redis.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeUpstream } from '../../test/fixtures/upstream';
import type { TierConfig } from '../tiers/types';
import { redisCoordinator } from './redis';
import { SharedScraper } from './shared-scraper';
import type { Coordinator } from './types';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('shared vLLM scraping', () => {
  it('the leader scrapes and publishes; the follower reads the same load without scraping', async () => {
    const gpu = await startFakeUpstream({ model: 'qwen', metrics: { running: 5, waiting: 7, kvCacheUsage: 0.5 }, maxModelLen: 8192 });
    cleanup.push(() => gpu.close());
    const prefix = `cascade-test:${randomUUID()}:`;
    const coords: Coordinator[] = [];
    for (const id of ['a', 'b']) {
      const c = await redisCoordinator({ url: REDIS, prefix, replicaId: id, leaderTtlMs: 600 });
      cleanup.push(() => c.close());
      coords.push(c);
    }
    const tier = { name: 'gpu', kind: 'vllm', enabled: true, baseUrl: gpu.baseUrl, model: 'qwen', apiKey: null } as TierConfig;
    const scrapers = coords.map((c) => {
      const s = new SharedScraper(c.leader('vllm-metrics'), c.shared, { intervalMs: 60_000, staleAfterMs: 60_000 });
      s.setTiers([tier]);
      cleanup.push(() => s.stop());
      return s;
    });
    const leaders = () => coords.map((c) => c.leader('vllm-metrics').isLeader());
    for (let i = 0; i < 100 && !leaders().some(Boolean); i++) await new Promise((r) => setTimeout(r, 20));
    const leader = leaders().indexOf(true);
    const follower = 1 - leader;
    // one round each (the next is a minute away): the leader scrapes and publishes, then the follower reads
    scrapers[leader].start();
    for (let i = 0; i < 100 && !scrapers[leader].load('gpu'); i++) await new Promise((r) => setTimeout(r, 20));
    // the publish follows the scrape: the follower reads until it is there (reading never scrapes)
    for (let i = 0; i < 100 && !scrapers[follower].load('gpu'); i++) {
      await scrapers[follower].syncRound();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(scrapers[follower].load('gpu')).toMatchObject({ running: 5, waiting: 7, kvCacheUsage: 0.5 });
    expect(scrapers[leader].load('gpu')).toMatchObject({ waiting: 7 });
    expect(gpu.hits['/metrics']).toBe(1);
    // the model's context window (from /v1/models) travels the same way
    for (let i = 0; i < 100 && !scrapers[follower].contextTokens('gpu'); i++) {
      await scrapers[follower].syncRound();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(scrapers[follower].contextTokens('gpu')).toBe(8192);
    expect(scrapers[leader].contextTokens('gpu')).toBe(8192);
    expect(gpu.hits['/v1/models']).toBe(1);
  });
});
