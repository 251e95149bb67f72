// Contract of model tiers (issue 2). A tier is one OpenAI-compatible endpoint.

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
 * A tier's live state as routing sees it (issue 4), built by state.ts from our own admission
 * counts and latencies, the connector's circuit breaker, health checks and (vLLM) scraped /metrics.
 */
export interface TierState {
  name: string;
  role: TierRole;
  enabled: boolean;
  /** Last health check passed (true until a check says otherwise). */
  healthy: boolean;
  breaker: 'closed' | 'open' | 'half-open';
  /** breaker === 'open' (a half-open breaker lets a probe through). */
  breakerOpen: boolean;
  /** Our calls in flight to this tier. */
  inFlight: number;
  /** Waiting in our admission queue plus, when scraped, vLLM's num_requests_waiting. */
  queued: number;
  /** Our admission queue alone. */
  admissionQueued: number;
  maxConcurrency: number;
  /** vLLM gauges from /metrics, when scraped recently. */
  running?: number;
  waiting?: number;
  kvCacheUsage?: number;
  p50LatencyMs?: number;
}
