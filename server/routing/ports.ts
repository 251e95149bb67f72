// What the cascade executor needs from the tiers layer. The tiers module (TierClient: retry with
// backoff, circuit breaker, admission queue) implements it; the executor stays independent of how.
import type { ChatRequest, TierConfig, Usage } from '../tiers/types';

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
