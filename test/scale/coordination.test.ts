// Two Cascade runtimes (the production composition, one process here) sharing a fresh Postgres
// database and one Redis prefix, as two replicas do: policy and tier changes reach the other
// replica through the change notices, per-key rate limits and budgets hold across both, and
// /metrics reports what they did.
import '../../server/runtime/preload-native';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../server/contracts/principal';
import { createPrisma } from '../../server/db/client';
import { loadEnv } from '../../server/env';
import { ANSWER_MODEL_KIND } from '../../server/judging/watcher';
import { modelRegistry } from '../../server/repos/models';
import { createHttpServer } from '../../server/http/server';
import { metricsRoute, startMetricsListener } from '../../server/observability/metrics-http';
import { compose } from '../../server/runtime/compose';
import type { Runtime } from '../../server/runtime';
import type { Policy } from '../../server/routing/policy';
import { realPostgresUrl } from '../fixtures/scale-cluster';
import { freshDatabase } from '../fixtures/resources';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';
import { v1Deps } from '../../server/runtime/v1-deps';

const BASE = await realPostgresUrl();
const actor = { id: null, label: 'coordination test' };

describe.skipIf(!BASE)('two replicas coordinated through Redis', () => {
  let upstream: FakeUpstream;
  let db: { url: string; drop(): Promise<void> };
  let a: Runtime;
  let b: Runtime;
  let principal: Principal;
  let rawKey: string;

  beforeAll(async () => {
    upstream = await startFakeUpstream({ latencyMs: 20 });
    db = await freshDatabase(BASE!, 'coord');
    const prefix = `cascade-test:${randomUUID()}:`;
    const env = () => loadEnv({
      NODE_ENV: 'test', DATABASE_URL: db.url, REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', CASCADE_REDIS_PREFIX: prefix,
      CASCADE_SIMULATED_TIERS: 'false', CASCADE_DATA_DIR: mkdtempSync(join(tmpdir(), 'cascade-coord-')), CASCADE_SECRET_KEY: 'cascade-coord-secret-key-0123456789',
      CASCADE_ADMIN_PASSWORD: 'coord-admin-password', CASCADE_METRICS_TOKEN: 'metrics-token-123', LOG_LEVEL: 'silent',
    });
    a = await compose(env());
    for (const role of ['small', 'medium', 'large'] as const) {
      await a.stores.tiers.create({ name: role, role, kind: 'openai', baseUrl: upstream.baseUrl, model: 'fake-model', apiKey: null, inputPricePerM: 1000, outputPricePerM: 1000, maxConcurrency: 8, timeoutMs: 10_000, enabled: true }, actor);
    }
    await a.tiers.reload();
    b = await compose(env());
    const k = await a.stores.apiKeys.create({ name: 'coord', tenant: 'coord', role: 'user' }, actor);
    rawKey = k.key;
    principal = (await a.apiKeys.verify(rawKey))!;
  }, 120_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await upstream?.close();
    await db?.drop();
  }, 60_000);

  const ask = (rt: Runtime, content = `say something ${randomUUID()}`) =>
    rt.chat.complete(principal, { model: 'small', messages: [{ role: 'user', content }], source: 'api' });

  async function savePolicy(rt: Runtime, change: (p: Policy) => Policy): Promise<number> {
    const v = await rt.stores.policies.save(change(rt.policy.current().policy), 'coordination test', actor);
    await rt.policy.invalidate(); // what the policy router does after a save
    return v.version;
  }

  it('a policy saved on one replica is active on the other well before its 10 s refresh', async () => {
    const started = Date.now();
    const version = await savePolicy(a, (p) => ({ ...p, thresholds: { ...p.thresholds, t1: 0.31 } }));
    await until(() => b.policy.current().version === version, 5_000);
    console.log(`policy version ${version} active on the other replica after ${Date.now() - started} ms`);
    expect(b.policy.current().policy.thresholds.t1).toBe(0.31);
  });

  it('a model promoted on one replica runs on the other well before its 10 s refresh', async () => {
    const prisma = createPrisma(db.url, { poolSize: 2 });
    const reg = modelRegistry(prisma);
    const meta = JSON.parse(readFileSync('models/answer-quality.meta.json', 'utf8')) as Record<string, unknown>;
    const version = `coord-${randomUUID().slice(0, 8)}`;
    await reg.register({ kind: ANSWER_MODEL_KIND, version, onnx: readFileSync('models/answer-quality.onnx'), meta: { ...meta, modelVersion: version } }, actor);
    expect(b.models.live().answer.active).not.toBe(version);
    const started = Date.now();
    await reg.promote(ANSWER_MODEL_KIND, version, actor);
    await a.models.refresh(); // what the models router does after a promotion
    expect(a.models.live().answer.active).toBe(version);
    await until(() => b.models.live().answer.active === version, 5_000);
    console.log(`model ${version} running on the other replica after ${Date.now() - started} ms`);
    await prisma.$disconnect();
  });

  it('a tier created on one replica is known to the other', async () => {
    await a.stores.tiers.create({ name: 'extra', role: 'small', kind: 'openai', baseUrl: upstream.baseUrl, model: 'fake-model', apiKey: null, inputPricePerM: 1, outputPricePerM: 1, maxConcurrency: 2, timeoutMs: 10_000, enabled: true }, actor);
    await a.tiers.reload();
    await until(() => b.tiers.byName('extra') !== undefined, 5_000);
  });

  it('holds a per-key request rate across replicas: the third request in a minute is a 429 with Retry-After', async () => {
    await savePolicy(a, (p) => ({ ...p, rateLimits: [{ apiKeyId: principal.apiKeyId!, requestsPerMinute: 2 }] }));
    await until(() => b.policy.current().policy.rateLimits.length === 1, 5_000);
    await ask(a);
    await ask(b);
    const deps = v1Deps(b, 1 << 20);
    const server = createHttpServer(async () => deps, (_req, res) => void res.writeHead(404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rawKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'small', messages: [{ role: 'user', content: 'one more' }] }),
      });
      expect(res.status).toBe(429);
      const retry = Number(res.headers.get('retry-after'));
      expect(retry).toBeGreaterThan(20); // 2 per minute: the next request in ~30 s
      expect(retry).toBeLessThanOrEqual(30);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    } finally {
      server.close();
      await savePolicy(a, (p) => ({ ...p, rateLimits: [] }));
      await until(() => b.policy.current().policy.rateLimits.length === 0, 5_000);
    }
  });

  it('keeps a budget across replicas: the overshoot is at most the requests in flight when it was crossed', async () => {
    const one = await ask(a);
    const cost = one.costUsd; // every answer of the fake upstream costs the same
    expect(cost).toBeGreaterThan(0);
    const budget = 12 * cost;
    await savePolicy(a, (p) => ({ ...p, budgets: [{ apiKeyId: principal.apiKeyId!, monthlyUsd: one.costUsd + budget, downgradeAt: 1 }] }));
    await until(() => b.policy.current().policy.budgets.length === 1, 5_000);
    const PER_REPLICA = 4;
    let spent = 0;
    let refusedWave = false;
    for (let wave = 0; wave < 20 && !refusedWave; wave++) {
      const results = await Promise.allSettled([...Array(PER_REPLICA)].flatMap(() => [ask(a), ask(b)]));
      const ok = results.filter((r) => r.status === 'fulfilled');
      spent += ok.reduce((s, r) => s + (r as PromiseFulfilledResult<{ costUsd: number }>).value.costUsd, 0);
      for (const r of results) if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toBe('budget_exceeded');
      refusedWave = ok.length === 0;
    }
    expect(refusedWave).toBe(true);
    // 8 requests in flight at once (4 per replica): each may pass the check just below the budget
    expect(spent).toBeLessThanOrEqual(budget + 2 * PER_REPLICA * cost + 1e-12);
    expect(spent).toBeGreaterThanOrEqual(budget - 1e-12);
    await savePolicy(a, (p) => ({ ...p, budgets: [] }));
  });

  it('serves /metrics with the bearer token only, counting requests by door, tier and outcome', async () => {
    const route = metricsRoute(a.metrics, 'metrics-token-123');
    const server = createHttpServer(async () => { throw new Error('not used'); }, (req, res) => void (route(req, res) || res.writeHead(404).end()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      expect((await fetch(url)).status).toBe(401);
      const res = await fetch(url, { headers: { authorization: 'Bearer metrics-token-123' } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/cascade_requests_total\{door="chat.completions",source="api",band="none",tier="small",outcome="ok",cache="bypass"\} \d+/);
      expect(text).toMatch(/cascade_request_errors_total\{door="chat.completions",source="api",code="budget_exceeded"\} \d+/);
      expect(text).toContain('cascade_admission_limit{tier="small"} 8');
      expect(text).toContain('cascade_replica_info{coordination="redis"');
      expect(text).toContain('process_cpu_seconds_total');
      // CASCADE_METRICS_PORT: a listener that serves /metrics only
      const own = await startMetricsListener(route, 0, '127.0.0.1');
      const ownUrl = `http://127.0.0.1:${(own.address() as AddressInfo).port}`;
      expect((await fetch(`${ownUrl}/metrics`, { headers: { authorization: 'Bearer metrics-token-123' } })).status).toBe(200);
      expect((await fetch(`${ownUrl}/v1/models`)).status).toBe(404);
      own.close();
    } finally {
      server.close();
    }
  });
});

async function until(f: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!f()) {
    if (Date.now() > end) throw new Error(`condition not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
