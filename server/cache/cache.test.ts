import { describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../embedding/local';
import { CacheInputError, createCache, LOCAL_EMBEDDER_THRESHOLD, MAX_PROMPT_CHARS } from './index';
import type { CacheScope, CacheStoreRequest } from './types';

const embedder = new LocalEmbedder();
const scope: CacheScope = { tenant: 't1', systemPrompt: 'You are helpful.', params: '{}' };
const base = (prompt: string, over: Partial<CacheStoreRequest> = {}): CacheStoreRequest => ({
  prompt,
  scope,
  answer: `answer to ${prompt}`,
  tierName: 'large',
  tierRank: 2,
  costUsd: 0.02,
  ttlSeconds: 3600,
  decisionId: 'd1',
  ...over,
});
const ask = (prompt: string, over: Partial<{ scope: CacheScope; minTierRank: number; threshold: number }> = {}) => ({
  prompt,
  scope,
  minTierRank: 0,
  threshold: LOCAL_EMBEDDER_THRESHOLD,
  ...over,
});

describe('SemanticCache (memory store)', () => {
  it('serves an exact hit for case, whitespace and trailing punctuation variants', async () => {
    const cache = await createCache({ embedder });
    await cache.store(base('What is the capital of France?'));
    for (const q of ['what is the capital of france', '  WHAT IS THE CAPITAL   OF FRANCE?? ', 'What is the capital of France?\u200b']) {
      const hit = await cache.lookup(ask(q));
      expect(hit?.kind, q).toBe('exact');
      expect(hit?.similarity).toBe(1);
      expect(hit?.costSavedUsd).toBe(0.02);
      expect(hit?.verifier).toBeNull();
    }
    await cache.close();
  });

  it('serves a verified semantic hit for a paraphrase and refuses a near miss', async () => {
    const cache = await createCache({ embedder });
    await cache.store(base('Which foods are safe for dogs?'));
    const para = await cache.lookup(ask('Could you please tell me which foods are safe for dogs?'));
    expect(para?.kind).toBe('semantic');
    expect(para?.verifier).toMatch(/^ok/);
    expect(await cache.lookup(ask('Which foods are not safe for dogs?'))).toBeNull();
    expect(await cache.lookup(ask('Which foods are safe for cats?'))).toBeNull();
    expect(cache.stats().verifierRejections.negation).toBe(1);
    await cache.close();
  });

  it('keeps scopes apart: tenant, system prompt and params', async () => {
    const cache = await createCache({ embedder });
    await cache.store(base('What is the capital of France?'));
    for (const other of [{ ...scope, tenant: 't2' }, { ...scope, systemPrompt: 'Answer in French.' }, { ...scope, params: '{"max_tokens":"<=64"}' }]) {
      expect(await cache.lookup(ask('What is the capital of France?', { scope: other }))).toBeNull();
    }
    expect(cache.stats().partitions).toBe(1);
    await cache.close();
  });

  it('only serves entries from a tier at least as strong as the policy would choose', async () => {
    const cache = await createCache({ embedder });
    await cache.store(base('Explain quantum entanglement', { tierName: 'small', tierRank: 0 }));
    expect(await cache.lookup(ask('Explain quantum entanglement', { minTierRank: 1 }))).toBeNull();
    expect((await cache.lookup(ask('Explain quantum entanglement', { minTierRank: 0 })))?.tierName).toBe('small');
    await cache.close();
  });

  it('expires entries after their TTL and purges them', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const cache = await createCache({ embedder, now: () => now });
    await cache.store(base('What is the speed of light?', { ttlSeconds: 60 }));
    expect(await cache.lookup(ask('What is the speed of light?'))).not.toBeNull();
    now = new Date('2026-01-01T00:01:01Z');
    expect(await cache.lookup(ask('What is the speed of light?'))).toBeNull();
    expect(await cache.purgeExpired()).toBe(1);
    expect(cache.stats().entries).toBe(0);
    await cache.close();
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = await createCache({ embedder, maxEntries: 2 });
    await cache.store(base('What is the capital of France?'));
    await cache.store(base('How many legs does a spider have?'));
    await cache.lookup(ask('What is the capital of France?')); // France is now most recent
    await cache.store(base('Who painted the Mona Lisa?'));
    expect(cache.stats().entries).toBe(2);
    expect(cache.stats().evictedLru).toBe(1);
    expect(await cache.lookup(ask('How many legs does a spider have?'))).toBeNull();
    expect(await cache.lookup(ask('What is the capital of France?'))).not.toBeNull();
    await cache.close();
  });

  it('invalidates by entry (thumbs-down), by tier and all', async () => {
    const cache = await createCache({ embedder });
    await cache.store(base('What is the capital of France?'));
    await cache.store(base('Who painted the Mona Lisa?', { tierName: 'medium', tierRank: 1 }));
    await cache.store(base('Why is the sky blue?'));
    const hit = await cache.lookup(ask('What is the capital of France?'));
    await cache.evict(hit!.entryId);
    expect(await cache.lookup(ask('What is the capital of France?'))).toBeNull();
    expect(await cache.invalidateTier('medium')).toBe(1);
    expect(await cache.lookup(ask('Who painted the Mona Lisa?'))).toBeNull();
    expect(await cache.lookup(ask('Why is the sky blue?'))).not.toBeNull();
    await cache.invalidateAll();
    expect(cache.stats().entries).toBe(0);
    await cache.close();
  });

  it('replaces the entry of the same normalized prompt instead of duplicating it', async () => {
    const cache = await createCache({ embedder });
    await cache.store(base('What is DNA?', { answer: 'old' }));
    await cache.store(base('what is dna', { answer: 'new' }));
    expect(cache.stats().entries).toBe(1);
    expect((await cache.lookup(ask('What is DNA?')))?.answer).toBe('new');
    await cache.close();
  });

  it('bypasses empty, whitespace-only and over-long prompts without error', async () => {
    const cache = await createCache({ embedder });
    for (const p of ['', '   \n\t ', '\u200b\u200b', 'x'.repeat(MAX_PROMPT_CHARS + 1)]) {
      await cache.store(base(p));
      expect(await cache.lookup(ask(p))).toBeNull();
    }
    expect(cache.stats().entries).toBe(0);
    expect(cache.stats().bypassed).toBe(4);
    await cache.close();
  });

  it('handles unusual Unicode: lone surrogates, emoji, RTL, NFKC-equivalent forms', async () => {
    const cache = await createCache({ embedder });
    await cache.store(base('ｗｈａｔ ｉｓ ２＋２?')); // full-width, NFKC folds to "what is 2+2?"
    expect((await cache.lookup(ask('what is 2+2')))?.kind).toBe('exact');
    await cache.store(base('broken \ud800 surrogate 🤖 مرحبا'));
    expect((await cache.lookup(ask('broken \ud800 surrogate 🤖 مرحبا')))?.kind).toBe('exact');
    expect(await cache.lookup(ask('what is 2+3'))).toBeNull();
    await cache.close();
  });

  it('is defined on the semantic path too: near-limit prompts, symbols only, combining marks, scripts', async () => {
    const cache = await createCache({ embedder });
    // A prompt just under the limit: stored and served exactly; a one-word variant is not served
    // (more than 256 content words only hit exactly).
    const huge = Array.from({ length: 4000 }, (_, i) => `word${i % 997}`).join(' ').slice(0, MAX_PROMPT_CHARS - 10);
    await cache.store(base(huge));
    expect((await cache.lookup(ask(huge.toUpperCase())))?.kind).toBe('exact');
    expect(await cache.lookup(ask(`${huge.slice(0, -20)} different ending`))).toBeNull();
    // Symbols and emoji only: an exact key, a zero embedding, never a semantic hit on another one.
    await cache.store(base('🤖🤖'));
    expect((await cache.lookup(ask('🤖🤖')))?.kind).toBe('exact');
    expect(await cache.lookup(ask('🎉🎉'))).toBeNull();
    expect(await cache.lookup(ask('?!'))).toBeNull();
    // NFD vs NFC ("café"), zero-width joiners inside a word: the same prompt.
    await cache.store(base('Where is the best café in Paris?'));
    expect((await cache.lookup(ask('Where is the best cafe\u0301 in Paris?')))?.kind).toBe('exact');
    expect((await cache.lookup(ask('Where is the best ca\u200bfé in Paris?')))?.kind).toBe('exact');
    // The same question in another script or language is another request.
    await cache.store(base('What is machine learning?'));
    expect(await cache.lookup(ask('Что такое машинное обучение?'))).toBeNull();
    await cache.store(base('机器学习是什么？'));
    expect((await cache.lookup(ask('机器学习是什么?')))?.kind).not.toBeUndefined();
    expect(await cache.lookup(ask('深度学习是什么？'))).toBeNull();
    await cache.close();
  });

  it('rejects invalid store input with a clear error and stores nothing', async () => {
    const cache = await createCache({ embedder });
    await expect(cache.store(base('q1', { costUsd: Number.NaN }))).rejects.toThrow(CacheInputError);
    await expect(cache.store(base('q2', { tierRank: -1 }))).rejects.toThrow(/tierRank/);
    await expect(cache.store(base('q3', { answer: '  ' }))).rejects.toThrow(/answer/);
    expect(cache.stats().entries).toBe(0);
    // A NaN threshold means "exact only", never a semantic hit.
    await cache.store(base('Why is the sky blue?'));
    expect(await cache.lookup(ask('Please tell me why the sky is blue', { threshold: Number.NaN }))).toBeNull();
    await cache.close();
  });
});
