// Batch job throughput: N requests through the whole path (parse, store in one transaction,
// classify with the real analyzer, dispatch at tier capacity through the gateway, one Postgres
// update per item) against loopback upstreams that answer at once, so the figure is our overhead.
// Postgres: DATABASE_URL, else TEST_DATABASE_URL, else an in-memory embedded PGlite.
import '../server/runtime/preload-native';
import { randomUUID } from 'node:crypto';
import { createBatchService, parseJsonl } from '../server/batch';
import { createAnalyzer } from '../server/complexity';
import { createPrisma } from '../server/db/client';
import { startEmbeddedPostgres } from '../server/db/embedded';
import { migrate } from '../server/db/migrate';
import { env } from '../server/env';
import { createChatService } from '../server/gateway/chat-service';
import { createTierRegistry } from '../server/tiers/registry';
import { defaultPolicy } from '../server/routing/policy';
import type { TierConfig } from '../server/tiers/types';
import { startCountingUpstream } from '../test/batch/counting-upstream';
import type { BenchRow } from './index';

async function target(): Promise<{ url: string; label: string; stop(): Promise<void> }> {
  const e = env();
  const url = e.DATABASE_URL ?? e.TEST_DATABASE_URL;
  if (url) return { url, label: new URL(url).host, stop: async () => {} };
  const db = await startEmbeddedPostgres({ dataDir: null, maxConnections: 16 });
  return { url: db.url, label: 'embedded PGlite (in memory)', stop: db.stop };
}

async function run(): Promise<{ rows: BenchRow[]; summary: Record<string, unknown> }> {
  const t = await target();
  await migrate(t.url);
  const prisma = createPrisma(t.url, { poolSize: 8 });
  const analyzer = await createAnalyzer();
  const names = ['small', 'medium', 'large'] as const;
  const ups = await Promise.all(names.map((n) => startCountingUpstream(n, 0)));
  const tiers: TierConfig[] = names.map((n, i) => ({
    id: n, name: n, role: n, kind: 'openai', baseUrl: ups[i].baseUrl, model: n, apiKey: null, inputPricePerM: 1, outputPricePerM: 2, maxConcurrency: 16, timeoutMs: 10_000, enabled: true,
  }));
  const byName = new Map(tiers.map((x) => [x.name, x]));
  const registry = createTierRegistry({ directory: { list: () => tiers, byName: (n) => byName.get(n) } });
  const policy = defaultPolicy();
  const gateway = { analyzer, policy: { current: () => ({ version: 1, policy }) }, tiers: registry };
  const chat = createChatService({ ...gateway, cache: null, sink: { record: () => undefined } });
  const svc = createBatchService({ prisma, chat, gateway, log: () => undefined });
  const principal = { kind: 'user' as const, id: randomUUID(), userId: null, apiKeyId: null, role: 'analyst' as const, tenant: 'bench', name: 'bench' };
  const rows: BenchRow[] = [];
  const prompts = ['What is 2+2?', 'Summarise the causes of the French revolution in three points.', 'Write a Python function that merges two sorted lists and explain its complexity.', 'Compare three approaches to distributed consensus and recommend one for a 5-node cluster, citing trade-offs.'];
  try {
    for (const n of [200, 1000]) {
      const text = Array.from({ length: n }, (_, k) => JSON.stringify({ prompt: `${prompts[k % prompts.length]} (#${k})` })).join('\n');
      const t0 = performance.now();
      const lines = parseJsonl(text);
      const job = await svc.create(principal, { name: `bench ${n}`, lines });
      const stored = performance.now() - t0;
      await svc.settled(job.id);
      const total = performance.now() - t0;
      const end = (await svc.get(job.id))!;
      rows.push({ items: n, status: end.status, done: end.done, 'store ms': Math.round(stored), 'total ms': Math.round(total), 'items/s': Math.round((n / total) * 1000), groups: Object.entries(end.perTier).map(([k, v]) => `${k}:${v.total}`).join(' ') });
    }
  } finally {
    await svc.stop();
    await Promise.all(ups.map((u) => u.close()));
    await analyzer.close();
    await prisma.$disconnect();
    await t.stop();
  }
  return { rows, summary: { database: t.label, upstreamLatencyMs: 0, tierCapacity: 16 } };
}

export default { name: 'batch', run };
