// The embedder contract: a pure text -> unit vector map. The cache only relies on cosine similarity,
// so every implementation returns L2-normalised vectors of exactly `dim` floats.
import { DomainError } from '../lib/errors';
export interface Embedder {
  /** Stable identifier ("local-ngram-v2", "openai:<tier>:<model>"): entries embedded by another
   *  embedder are not comparable and are re-embedded or ignored at load. */
  readonly id: string;
  readonly dim: number;
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Writes one text's vector into `out` (dim long) instead of allocating one: bulk loads of a
   *  cheap local embedder, whose vectors are copied away at once. Absent: use embed(). */
  embedInto?(text: string, out: Float32Array): void;
  /**
   * The lowest similarity threshold this embedder was measured safe at (no false hit on the dev
   * pair sets). Cosine scales differ between embedders, so the cache never applies a policy
   * threshold below it. Absent: the policy's threshold applies as it is.
   */
  readonly minThreshold?: number;
  /** Releases what the embedder holds (a loaded model); absent when there is nothing to release. */
  close?(): Promise<void>;
  /**
   * For sentence models only: the similarity at or above which the hit verifier lets this
   * embedder's cosine vouch for one or two swapped content words that WordNet does not mark as kin
   * ("dog"/"cat"), antonyms or look-alikes (server/cache/verifier.ts `vouchedSwap`). Absent (the
   * lexical embedder, whose cosine only counts shared words): a swap of unrelated words is refused.
   */
  readonly swapMinSimilarity?: number;
  /** For embedders whose vectors are hashes of words: those words. Lets the cache find candidates
   *  exactly through an inverted index instead of approximately through HNSW. */
  terms?(text: string): string[];
}

export class EmbeddingError extends DomainError {
  constructor(
    message: string,
    readonly kind: 'bad_response' | 'http' | 'timeout' | 'dimension' | 'input',
  ) {
    super(kind === 'input' ? 'bad_request' : kind === 'timeout' ? 'timeout' : 'upstream_error', message);
  }
}

/** L2-normalise in place; the zero vector stays zero (similarity 0 to everything, never NaN). */
export function normalizeL2(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (s > 0 && Number.isFinite(s)) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
  } else if (!Number.isFinite(s)) {
    v.fill(0);
  }
  return v;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}
