// /v1/embeddings through the openai SDK to an embedding tier on loopback (an OpenAI-compatible
// embeddings server started here), failing over to the next embedding tier, admitted by the tier
// registry and recorded as a decision with door 'embeddings'; a 404 naming the gap when none is
// configured; GET /v1/models/{id}.
import '../../server/runtime/preload-native';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../server/http/server';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { v1Deps } from '../../server/runtime/v1-deps';
import { getPrisma } from '../../server/db/client';
import { loadReplayDecisions, type Sql } from '../../server/whatif/load';
import type { TierConfig } from '../../server/tiers/types';
import { testRuntime, uid } from './helpers';

let runtime: Runtime;
let upstream: Server;
let cascade: Server;
let withTiers: (extra: TierConfig[]) => void;
let client: OpenAI;
const seen: { model: string; input: unknown }[] = [];
let keyId: string;
const load = { inFlight: 0, maxInFlight: 0, delayMs: 0 };

/** A tiny embeddings server: a 4-dimensional vector per input, the model it was asked for. */
function startEmbeddingsServer(): Promise<Server> {
  const server = createServer((req, res) => {
    let raw = '';
    load.maxInFlight = Math.max(load.maxInFlight, ++load.inFlight);
    res.on('close', () => load.inFlight--);
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', async () => {
      if (load.delayMs) await new Promise((r) => setTimeout(r, load.delayMs));
      const body = JSON.parse(raw) as { model: string; input: string | string[] };
      seen.push(body);
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: [text.length, 1, 0, 0.5] }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model: body.model, usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const embeddingTier = (name: string, baseUrl: string): TierConfig => ({
  id: uid('tier'), name, role: 'embedding', kind: 'openai', baseUrl, model: 'bge-small', inputPricePerM: 0, outputPricePerM: 0, maxConcurrency: 4, timeoutMs: 5000, enabled: true,
});

beforeAll(async () => {
  runtime = await testRuntime();
  upstream = await startEmbeddingsServer();
  // The runtime's tiers plus the embedding tiers of each test, as a tier directory (the port the routes read).
  let extra: TierConfig[] = [];
  withTiers = (t) => (extra = t);
  const tiers = { list: () => [...runtime.tiers.list().filter((t) => t.role !== 'embedding'), ...extra], byName: (n: string) => extra.find((t) => t.name === n) ?? runtime.tiers.byName(n) };
  const deps = { ...v1Deps(runtime), tiers };
  cascade = createHttpServer(async () => deps, (_req, res) => void res.writeHead(404).end());
  await new Promise<void>((resolve) => cascade.listen(0, '127.0.0.1', resolve));
  const key = await runtime.stores.apiKeys.create({ name: uid('emb'), tenant: uid('tenant'), role: 'user' }, { id: null, label: 'test' });
  keyId = key.apiKey.id;
  client = new OpenAI({ apiKey: key.key, baseURL: `http://127.0.0.1:${(cascade.address() as AddressInfo).port}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  cascade?.closeAllConnections();
  await new Promise((r) => cascade?.close(r));
  await new Promise((r) => upstream?.close(r));
  await stopRuntime();
});

describe('/v1/embeddings', () => {
  it('is a 404 naming the missing embedding tier when none is configured', async () => {
    withTiers([]);
    await expect(client.embeddings.create({ model: 'auto', input: 'hello' })).rejects.toMatchObject({ status: 404, message: expect.stringContaining("role 'embedding'") });
  });

  it('routes to the embedding tier with its model name, and past one that is down', async () => {
    const up = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    withTiers([embeddingTier('emb-down', 'http://127.0.0.1:9/v1'), embeddingTier('emb-up', up)]);
    const res = await client.embeddings.create({ model: 'auto', input: ['one', 'three'], encoding_format: 'float' });
    expect(res.data.map((d) => d.embedding)).toEqual([[3, 1, 0, 0.5], [5, 1, 0, 0.5]]);
    expect(res.model).toBe('emb-up');
    expect(seen.at(-1)).toMatchObject({ model: 'bge-small', input: ['one', 'three'] });
    // Named, it goes to that tier only: the one that is down fails.
    await expect(client.embeddings.create({ model: 'emb-down', input: 'x' })).rejects.toMatchObject({ status: 502 });
  });

  it('records each request as a decision with door embeddings, the tiers tried as attempts', async () => {
    const up = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    withTiers([{ ...embeddingTier('emb-down', 'http://127.0.0.1:9/v1'), inputPricePerM: 1 }, { ...embeddingTier('emb-up', up), inputPricePerM: 2 }]);
    const { response } = await client.embeddings.create({ model: 'auto', input: ['alpha', 'beta'] }).withResponse();
    const id = response.headers.get('x-cascade-decision-id')!;
    await expect(client.embeddings.create({ model: 'emb-down', input: 'gamma' })).rejects.toMatchObject({ status: 502 });
    await runtime.recorder.flush();
    const d = (await runtime.stores.decisions.get(id))!;
    expect(d).toMatchObject({ door: 'embeddings', source: 'api', status: 'ok', finalTier: 'emb-up', tokensIn: 2, tokensOut: 0, escalations: 1 });
    expect(d.costUsd).toBeCloseTo(2 * 2 / 1e6, 12);
    expect(d.attempts.map((a) => [a.tierName, a.outcome])).toEqual([['emb-down', 'error'], ['emb-up', 'ok']]);
    expect(d.promptPreview).toContain('alpha');
    const listed = await runtime.stores.decisions.list({ apiKeyId: keyId, door: 'embeddings' }, { limit: 10 });
    expect(listed.items.map((x) => x.id)).toContain(id);
    expect(listed.items.some((x) => x.status === 'error' && x.finalTier === null)).toBe(true);
    // The policy does not route embeddings: the what-if replay leaves them out.
    const sql: Sql = (text, params) => getPrisma().$queryRawUnsafe(text, ...params);
    expect((await loadReplayDecisions(sql, { limit: 100, apiKeyId: keyId })).map((r) => r.id)).not.toContain(id);
  });

  it("holds calls to the tier's concurrency limit (admission control)", async () => {
    const up = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`;
    withTiers([{ ...embeddingTier('emb-one', up), maxConcurrency: 1 }]);
    load.delayMs = 30;
    load.maxInFlight = 0;
    try {
      const answers = await Promise.all([1, 2, 3, 4].map((i) => client.embeddings.create({ model: 'auto', input: `text ${i}` })));
      expect(answers.every((a) => a.model === 'emb-one')).toBe(true);
      expect(load.maxInFlight).toBe(1);
    } finally {
      load.delayMs = 0;
    }
  });

  it('refuses a chat tier and bad input with a 400', async () => {
    withTiers([embeddingTier('emb-x', 'http://127.0.0.1:9/v1')]);
    const chatTier = runtime.tiers.list().find((t) => t.enabled && t.role !== 'embedding')!;
    await expect(client.embeddings.create({ model: chatTier.name, input: 'x' })).rejects.toMatchObject({ status: 400 });
    await expect(client.embeddings.create({ model: 'auto', input: '' })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('input') });
  });
});

describe('GET /v1/models/{id}', () => {
  it('answers auto and each enabled tier, and 404s an unknown id', async () => {
    expect((await client.models.retrieve('auto')).id).toBe('auto');
    const tier = runtime.tiers.list().find((t) => t.enabled && t.role !== 'embedding')!;
    expect(await client.models.retrieve(tier.name)).toMatchObject({ id: tier.name, object: 'model' });
    await expect(client.models.retrieve('no-such-model')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});
