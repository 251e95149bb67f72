import { describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../embedding/local';
import { MemoryIndex } from './memory-index';
import type { CacheEntry } from './store';

const embedder = new LocalEmbedder();
const entry = (id: string, prompt: string, scopeHash = 's1'): CacheEntry => ({
  id,
  scopeHash,
  promptHash: id,
  promptNorm: prompt,
  embedding: embedder.embedOne(prompt),
  answer: 'a',
  tierName: 'large',
  tierRank: 2,
  costUsd: 0,
  hits: 0,
  createdAt: new Date(0),
  lastHitAt: null,
  expiresAt: null,
  decisionId: null,
});

describe('MemoryIndex term index', () => {
  const prompts = ['How do I reverse a list in Python?', 'What is the capital of France?', 'How do I sort a list in Python?', 'Who painted the Mona Lisa?', 'What is inflation?'];
  const build = (withTerms: boolean) => {
    const idx = new MemoryIndex({ dim: embedder.dim, terms: withTerms ? (t) => embedder.terms(t) : undefined });
    prompts.forEach((p, i) => idx.add(entry(`e${i}`, p)));
    return idx;
  };

  it('returns the entries sharing most terms, scored by exact cosine, like HNSW does', () => {
    const withTerms = build(true);
    const hnsw = build(false);
    const q = 'Could you tell me how to reverse a Python list?';
    const byTerms = withTerms.search('s1', embedder.embedOne(q), 3, embedder.terms(q));
    const byHnsw = hnsw.search('s1', embedder.embedOne(q), 3);
    expect(byTerms[0].entry.id).toBe('e0');
    expect(byTerms[0].similarity).toBeCloseTo(byHnsw[0].similarity, 5);
    // Only entries sharing a term are candidates: the France / Mona Lisa entries are not.
    expect(byTerms.map((c) => c.entry.id).sort()).toEqual(['e0', 'e2']);
  });

  it('falls back to HNSW when no query term is indexed (a one-word typo)', () => {
    const idx = build(true);
    const q = 'What is inflaton?';
    expect(idx.search('s1', embedder.embedOne(q), 2, embedder.terms(q))[0].entry.id).toBe('e4');
  });

  it('forgets the terms of removed entries and keeps scopes apart', () => {
    const idx = build(true);
    idx.add(entry('other', 'How do I reverse a list in Python?', 's2'));
    expect(idx.remove('e0')).toBe(true);
    expect(idx.remove('e2')).toBe(true);
    const q = 'reverse a python list';
    const found = idx.search('s1', embedder.embedOne(q), 3, embedder.terms(q));
    expect(found.map((c) => c.entry.id)).not.toContain('e0');
    expect(found.map((c) => c.entry.id)).not.toContain('other');
    expect(idx.search('s2', embedder.embedOne(q), 3, embedder.terms(q))[0].entry.id).toBe('other');
  });
});
