// Contract of the response cache, used by the request pipeline.

export interface CacheScope {
  /** Tenant / API-key group. */
  tenant: string;
  /** System prompt text ('' when none); hashed into the scope. */
  systemPrompt: string;
  /** Request parameters that change the answer (response_format, max_tokens bucket, ...), canonical JSON. */
  params: string;
}

export interface CacheLookupRequest {
  prompt: string;
  scope: CacheScope;
  /** Rank of the tier the policy would choose (small=0, medium=1, large=2, research=3): hits need >=. */
  minTierRank: number;
  /** Semantic similarity threshold from the policy (cosine, 0..1). */
  threshold: number;
}

export interface CacheHit {
  entryId: string;
  kind: 'exact' | 'semantic';
  similarity: number;
  answer: string;
  tierName: string;
  tierRank: number;
  /** What answering from the model cost when the entry was stored: saved again by this hit. */
  costSavedUsd: number;
  /** Why the verifier accepted, or null for exact hits. */
  verifier: string | null;
}

export interface CacheStoreRequest {
  prompt: string;
  scope: CacheScope;
  answer: string;
  tierName: string;
  tierRank: number;
  costUsd: number;
  ttlSeconds: number;
  decisionId: string;
}

export interface ResponseCache {
  lookup(req: CacheLookupRequest): Promise<CacheHit | null>;
  store(req: CacheStoreRequest): Promise<void>;
  /** Thumbs-down on a cached answer evicts it. */
  evict(entryId: string): Promise<void>;
}
