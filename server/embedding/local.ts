// The built-in embedder: no model file, no download, deterministic across processes and machines.
// It is a feature-hashing bag of (a) canonical content words, (b) ordered content-word bigrams and
// (c) character trigrams of each content word, signed-hashed into `dim` buckets and L2-normalised.
// Hashing is itself a random projection (Weinberger et al. 2009), so no extra projection matrix is
// needed. It captures lexical overlap, typos and the framing/politeness words it drops; it does NOT
// know that unrelated words mean the same thing beyond the small synonym table in ./text.ts and
// WordNet's dominant-sense synonym classes (./wordnet). Hashing WordNet synset ids as extra features
// was tried and lowered dev-set paraphrase recall (0.881 -> 0.833), so it is not done.
import type { Embedder } from './types';
import { normalizeL2 } from './types';
import { contentTokens } from './text';

/** 32-bit FNV-1a over UTF-16 code units, with a seed so the sign uses an independent hash. */
function fnv1a(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // Final avalanche (murmur3 fmix32) so low bits of similar strings differ.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

export interface LocalEmbedderOptions {
  dim?: number;
  wordWeight?: number;
  bigramWeight?: number;
  /** Total weight of one word's character trigrams (spread over them). */
  charWeight?: number;
}

/** Texts are cut to this many content tokens: the start of a long prompt says what it is about. */
const MAX_TOKENS = 512;

export class LocalEmbedder implements Embedder {
  readonly id: string;
  readonly dim: number;
  private readonly w: Required<LocalEmbedderOptions>;

  constructor(opts: LocalEmbedderOptions = {}) {
    this.w = { dim: 256, wordWeight: 1, bigramWeight: 0.3, charWeight: 2.5, ...opts };
    if (!Number.isInteger(this.w.dim) || this.w.dim < 16 || this.w.dim > 8192) throw new RangeError('dim must be an integer in 16..8192');
    this.dim = this.w.dim;
    this.id = `local-ngram-v3-d${this.dim}`;
  }

  embedOne(text: string): Float32Array {
    const v = new Float32Array(this.dim);
    this.embedInto(text, v);
    return v;
  }

  embedInto(text: string, v: Float32Array): void {
    v.fill(0);
    const toks = contentTokens(text).slice(0, MAX_TOKENS);
    const add = (feature: string, weight: number) => {
      const h = fnv1a(feature, 0);
      const sign = fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1;
      v[h % this.dim] += sign * weight;
    };
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      add(`w:${t}`, this.w.wordWeight);
      if (i > 0) add(`b:${toks[i - 1]} ${t}`, this.w.bigramWeight);
      const padded = `<${t}>`;
      const grams = Math.max(1, padded.length - 2);
      for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, this.w.charWeight / grams);
    }
    normalizeL2(v);
  }

  /** The canonical content words the vector is built from (stop words dropped, synonyms folded). */
  terms(text: string): string[] {
    return contentTokens(typeof text === 'string' ? text : '').slice(0, MAX_TOKENS);
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(typeof t === 'string' ? t : ''));
  }
}
