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
    // both in half precision (the term index's slab, HNSW's f16 vectors), summed in different orders
    expect(byTerms[0].similarity).toBeCloseTo(byHnsw[0].similarity, 3);
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

// The early-stopping candidate selection must return exactly what the full postings walk returns
// (same entries, same order, same similarities), whatever the lists look like: checked against
// `exhaustiveTermWalk` on random indexes, with small walk limits so that every branch (one long
// list, several short ones, the budget cut, the fallback, removed entries) is reached.
describe('MemoryIndex term search: early stop equals the full walk', () => {
  function rng(seed: number) {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }
  const DIM = 16;
  const row = (id: string, text: string, rand: () => number): CacheEntry => {
    const v = Float32Array.from({ length: DIM }, () => rand() - 0.5);
    const n = Math.hypot(...v);
    return { ...entry(id, 'x'), promptNorm: text, promptHash: id, embedding: v.map((x) => x / n) };
  };
  const words = (text: string) => text.split(' ');

  it('on random templated and Zipf-like indexes, with removals', () => {
    let fastUsed = 0;
    let fallbacks = 0;
    for (const seed of [1, 2, 3, 4]) {
      const rand = rng(seed);
      const limits = { rarePostings: 20 + Math.floor(rand() * 60), postingsBudget: 40 + Math.floor(rand() * 160) };
      const fast = new MemoryIndex({ dim: DIM, terms: words, ...limits });
      const walk = new MemoryIndex({ dim: DIM, terms: words, exhaustiveTermWalk: true, ...limits });
      // Zipf-like vocabulary (w0 very common) plus templates whose words are in every entry of the template.
      const zipf = () => `w${Math.floor(40 * rand() ** 3)}`;
      const templates = ['capital france', 'translate good morning spanish', 'haiku autumn leaves', 'status 404 mean http'];
      const text = (i: number) =>
        rand() < 0.6 ? `${templates[i % templates.length]} request n${i}${rand() < 0.3 ? ` ${zipf()}` : ''}` : Array.from({ length: 1 + Math.floor(rand() * 6) }, zipf).join(' ');
      const ids: string[] = [];
      for (let i = 0; i < 1200; i++) {
        const e = row(`e${i}`, text(i), rand);
        fast.add(e);
        walk.add(e);
        ids.push(e.id);
        if (rand() < 0.1) {
          const victim = ids[Math.floor(rand() * ids.length)];
          fast.remove(victim);
          walk.remove(victim);
        }
      }
      for (let q = 0; q < 400; q++) {
        // Many mid-frequency words: several short lists whose walk the budget cuts.
        const terms = q % 4 === 3 ? Array.from({ length: 12 }, () => `w${10 + Math.floor(rand() * 30)}`) : words(text(100_000 + q));
        if (rand() < 0.2) terms.push(`n${Math.floor(rand() * 1200)}`); // a repeat of a stored request number
        const v = row('q', '', rand).embedding;
        const k = 1 + Math.floor(rand() * 12);
        const a = fast.search('s1', v, k, terms).map((c) => [c.entry.id, c.similarity]);
        const b = walk.search('s1', v, k, terms).map((c) => [c.entry.id, c.similarity]);
        expect(a, `seed ${seed} query ${terms.join(' ')}`).toEqual(b);
      }
      fastUsed += fast.stats.fast;
      fallbacks += fast.stats.walks;
      expect(walk.stats.fast).toBe(0);
    }
    // Both ways were taken: the comparison covered the early stop and the fallback.
    expect(fastUsed).toBeGreaterThan(1000);
    expect(fallbacks).toBeGreaterThan(20);
  });

  it('where the budget cuts the walk, the walk decides', () => {
    const rand = rng(7);
    const limits = { rarePostings: 100, postingsBudget: 50 };
    const fast = new MemoryIndex({ dim: DIM, terms: words, ...limits });
    const walk = new MemoryIndex({ dim: DIM, terms: words, exhaustiveTermWalk: true, ...limits });
    // Lists b = [e0, e1..e30] and c = [x1..x40, e1..e30]: the walk counts all of b and only x1..x19
    // of c, so every entry shares one term and b's order decides (e0..e15); counting all of c would
    // put e1..e16 (two shared terms) first.
    const rows = [...Array.from({ length: 40 }, (_, i) => row(`x${i + 1}`, 'c', rand)), row('e0', 'b', rand), ...Array.from({ length: 30 }, (_, i) => row(`e${i + 1}`, 'b c', rand))];
    for (const e of rows) {
      fast.add(e);
      walk.add(e);
    }
    const v = row('q', '', rand).embedding;
    const found = fast.search('s1', v, 16, ['b', 'c']);
    expect(found.map((c) => Number(c.entry.id.slice(1))).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(found).toEqual(walk.search('s1', v, 16, ['b', 'c']));
  });

  it('visits a few postings, not the whole template, on templated traffic at the real limits', () => {
    const fast = new MemoryIndex({ dim: embedder.dim, terms: (t) => embedder.terms(t) });
    const walk = new MemoryIndex({ dim: embedder.dim, terms: (t) => embedder.terms(t), exhaustiveTermWalk: true });
    const prompts = ['What is the capital of France?', 'What does HTTP status 404 mean?'];
    for (let i = 0; i < 4_200; i++) {
      const e = entry(`e${i}`, `${prompts[i % 2]} (request ${i})`);
      fast.add(e);
      walk.add(e);
    }
    // 2,100 entries per template, above RARE_POSTINGS: the walk counts one whole list per query.
    for (const q of ['What is the capital of France? (request 99999)', 'Could you tell me: What does HTTP status 404 mean?', 'capital of France']) {
      const v = embedder.embedOne(q);
      const before = fast.stats.visited;
      const a = fast.search('s1', v, 8, embedder.terms(q));
      expect(fast.stats.visited - before, q).toBeLessThan(200);
      expect(a.map((c) => [c.entry.id, c.similarity])).toEqual(walk.search('s1', v, 8, embedder.terms(q)).map((c) => [c.entry.id, c.similarity]));
    }
    expect(walk.stats.visited).toBeGreaterThanOrEqual(3 * 2_100);
  });
});

describe('MemoryIndex.reserve', () => {
  it('sizes the slab up front and keeps every vector when it grows or is asked for less', () => {
    const prompts = ['How do I reverse a list in Python?', 'What is the capital of France?', 'Who painted the Mona Lisa?'];
    const idx = new MemoryIndex({ dim: embedder.dim, terms: (t) => embedder.terms(t) });
    idx.add(entry('first', 'What is inflation?'));
    idx.reserve('s1', 40); // grows the slab of a partition that already holds a row
    prompts.forEach((p, i) => idx.add(entry(`e${i}`, p)));
    idx.reserve('s1', 2); // fewer rows than held: nothing is cut
    idx.reserve('other', 10); // a partition not seen yet
    for (const [id, p] of [['first', 'What is inflation?'], ...prompts.map((p, i) => [`e${i}`, p])]) {
      const [top] = idx.search('s1', embedder.embedOne(p), 1, embedder.terms(p));
      expect(top.entry.id).toBe(id);
      expect(top.similarity).toBeCloseTo(1, 3);
    }
  });
});
