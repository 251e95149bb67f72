// Contract of model tiers. A tier is one OpenAI-compatible endpoint.

export const TIER_ROLES = ['small', 'medium', 'large', 'embedding'] as const;
export type TierRole = (typeof TIER_ROLES)[number];

export interface TierConfig {
  id: string;
  /** Unique, used as the `model` name to force this tier through the OpenAI-compatible API. */
  name: string;
  role: TierRole;
  kind: 'openai' | 'simulated' | 'vllm';
  baseUrl: string; // e.g. http://127.0.0.1:8000/v1
  model: string;
  /** Decrypted API key, only in memory. */
  apiKey?: string | null;
  inputPricePerM: number; // USD per million input tokens
  outputPricePerM: number;
  maxConcurrency: number;
  timeoutMs: number;
  enabled: boolean;
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  name?: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stream?: boolean;
  response_format?: { type: 'text' | 'json_object' | 'json_schema'; json_schema?: unknown };
  logprobs?: boolean;
  stop?: string | string[];
  user?: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function costUsd(tier: Pick<TierConfig, 'inputPricePerM' | 'outputPricePerM'>, usage: Usage): number {
  return (usage.prompt_tokens * tier.inputPricePerM + usage.completion_tokens * tier.outputPricePerM) / 1e6;
}

/**
 * A tier's live state as routing sees it (decide() spills and skips on it), built by the registry
 * from its admission queue, the client's circuit breaker and, for vLLM tiers, scraped /metrics.
 */
export interface TierState {
  enabled: boolean;
  breaker: 'closed' | 'open' | 'half-open';
  /** Waiting in our admission queue plus, when scraped, vLLM's num_requests_waiting. */
  queued: number;
  /** vLLM gauges from /metrics, when scraped recently. */
  waiting?: number;
  kvCacheUsage?: number;
}

export type TierStates = ReadonlyMap<string, TierState> | Readonly<Record<string, TierState>>;

// What callers of tiers (the cascade executor, the research pipeline) get: the registry implements it.
export interface TierCallOptions {
  signal?: AbortSignal;
  /** Admission priority: lower runs first (short simple queries are not stuck behind research). */
  priority?: number;
  /** Called once admitted, with the time spent waiting in the tier's queue. */
  onAdmitted?: (queueMs: number) => void;
}

export interface TierAnswer {
  content: string;
  finishReason: string | null;
  usage: Usage;
  logprobs?: number[];
}

export interface TierChunk {
  delta: string;
  /** Only on the final chunk, which always carries usage. */
  finishReason?: string | null;
  usage?: Usage;
  logprobs?: number[];
}

/**
 * Calls throw errors with a `kind` (TierError of server/tiers/errors.ts): timeout, rate_limited
 * (after retries), circuit_open, queue_full, stream_cut, bad_response, http_4xx, http_5xx, network,
 * cancelled. Anything else is treated as a generic error.
 */
export interface TierInvoker {
  tier(name: string): TierConfig | undefined;
  chat(name: string, req: ChatRequest, opts?: TierCallOptions): Promise<TierAnswer>;
  chatStream(name: string, req: ChatRequest, opts?: TierCallOptions): AsyncIterable<TierChunk>;
}
