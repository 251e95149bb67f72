// The OpenAI-compatible client runs against a real loopback HTTP server started here.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TierConfig } from '../tiers/types';
import { cacheEmbedder, cosine, createEmbedder, EmbeddingError, LocalEmbedder, OpenAIEmbedder } from './index';

describe('LocalEmbedder', () => {
  const e = new LocalEmbedder();
  it('returns deterministic unit vectors of the configured dimension', async () => {
    const [a, b] = await e.embed(['What is the capital of France?', 'What is the capital of France?']);
    expect(a.length).toBe(e.dim);
    expect([...a]).toEqual([...b]);
    expect(cosine(a, a)).toBeCloseTo(1, 5);
  });
  it('scores typos and politeness variants closer than a different question', async () => {
    const [q, typo, polite, other] = await e.embed(['How do vaccines work?', 'How do vacines work?', 'Could you please tell me how vaccines work?', 'What is the capital of France?']);
    expect(cosine(q, typo)).toBeGreaterThan(cosine(q, other) + 0.3);
    expect(cosine(q, polite)).toBeGreaterThan(0.9);
  });
  it('maps empty and stop-word-only text to the zero vector (similarity 0, never NaN)', async () => {
    const [empty, stop, q] = await e.embed(['', 'could you please tell me', 'dogs']);
    expect([...empty].every((x) => x === 0)).toBe(true);
    expect(cosine(stop, q)).toBe(0);
  });
  it('rejects an invalid dimension', () => {
    expect(() => new LocalEmbedder({ dim: 3 })).toThrow(RangeError);
  });
});

describe('OpenAIEmbedder against a loopback /v1/embeddings', () => {
  let server: Server;
  let baseUrl: string;
  const seen: Array<{ auth?: string; body: { model: string; input: string[] } }> = [];
  let mode: 'ok' | 'short' | 'nan' | 'http500' | 'reversed' = 'ok';

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const body = JSON.parse(raw) as { model: string; input: string[] };
        seen.push({ auth: req.headers.authorization, body });
        if (mode === 'http500') {
          res.writeHead(500).end('boom');
          return;
        }
        const data = body.input.map((text, index) => ({
          object: 'embedding',
          index,
          embedding: mode === 'nan' ? [Number.NaN] : [text.length, 1, mode === 'short' && index === 0 ? undefined : 2].filter((x) => x !== undefined),
        }));
        if (mode === 'reversed') data.reverse();
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data, model: body.model }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const tier = (over: Partial<TierConfig> = {}): TierConfig => ({
    id: 'e1', name: 'embed', role: 'embedding', kind: 'openai', baseUrl, model: 'text-embed', apiKey: 'sk-test',
    inputPricePerM: 0, outputPricePerM: 0, maxConcurrency: 4, timeoutMs: 5000, enabled: true, ...over,
  });

  it('embeds in batches, sends model and key, orders by index and normalises', async () => {
    mode = 'reversed';
    seen.length = 0;
    const e = new OpenAIEmbedder({ tier: tier(), batchSize: 2 });
    const out = await e.embed(['a', 'bbb', '', 'cc']);
    expect(seen.length).toBe(2);
    expect(seen[0]).toMatchObject({ auth: 'Bearer sk-test', body: { model: 'text-embed', input: ['a', 'bbb'] } });
    expect(seen[1].body.input).toEqual([' ', 'cc']); // empty input is sent as one space
    expect(e.dim).toBe(3);
    expect(out[1][0]).toBeCloseTo(3 / Math.sqrt(9 + 1 + 4), 5);
    expect(cosine(out[0], out[0])).toBeCloseTo(1, 5);
  });

  it('createEmbedder picks the enabled embedding tier and probes its dimension', async () => {
    mode = 'ok';
    const e = await createEmbedder([tier({ role: 'small', name: 's' }), tier()]);
    expect(e.id).toBe('openai:embed:text-embed');
    expect(e.dim).toBe(3);
    expect((await createEmbedder([tier({ enabled: false })])).id).toMatch(/^local-ngram/);
  });

  it('the cache falls back to the built-in embedder, with a warning, when the embedding tier fails its probe', async () => {
    const warnings: string[] = [];
    const down = await cacheEmbedder([tier({ baseUrl: 'http://127.0.0.1:1/v1' })], (m) => warnings.push(m), 'local');
    expect(down.id).toMatch(/^local-ngram/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^embedding tier unusable \(.+\); using the built-in embedder$/);
    mode = 'ok';
    expect((await cacheEmbedder([tier()], (m) => warnings.push(m), 'local')).id).toBe('openai:embed:text-embed');
    expect(warnings).toHaveLength(1);
  });

  it('turns bad responses into EmbeddingError with a code', async () => {
    const e = new OpenAIEmbedder({ tier: tier(), dim: 3 });
    mode = 'http500';
    await expect(e.embed(['x'])).rejects.toMatchObject({ kind: 'http' });
    mode = 'nan';
    await expect(e.embed(['x'])).rejects.toMatchObject({ kind: 'bad_response' });
    mode = 'short';
    await expect(e.embed(['x', 'y'])).rejects.toMatchObject({ kind: 'dimension' });
    await expect(new OpenAIEmbedder({ tier: tier({ baseUrl: 'http://127.0.0.1:1/v1' }) }).embed(['x'])).rejects.toBeInstanceOf(EmbeddingError);
    expect(() => new OpenAIEmbedder({ tier: tier({ role: 'large' }) })).toThrow(/not 'embedding'/);
  });
});

describe('word-level text processing', () => {
  it('strips a suffix only when a word remains', async () => {
    const { stem, contentTokens } = await import('./text');
    expect(stem('exercising')).toBe('exercise');
    expect(stem('mainly')).toBe('main');
    expect(stem('stopped')).toBe('stop');
    expect(stem('string')).toBe('string');
    expect(stem('family')).toBe('family');
    expect(stem('early')).toBe('early');
    expect(stem('2019s')).toBe('2019s');
    expect(contentTokens("What's the best way to learn guitar?")).toEqual(contentTokens('How do I learn guitar?'));
    expect(contentTokens('In what year did the war end?')).toEqual(contentTokens('When did the war end?'));
  });
});
