// Contract of model tiers. A tier is one OpenAI-compatible endpoint.
import type { TierCapabilities } from './capabilities';
import type { TierRequestFields } from './request-fields';

// 'judge': grades other tiers' answers for the answer-side cascade (server/judging).
export const TIER_ROLES = ['small', 'medium', 'large', 'embedding', 'judge'] as const;
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
  /** What the tier can serve (tools, images, context length, …); unset: DEFAULT_CAPABILITIES. */
  capabilities?: TierCapabilities;
  /** Request fields removed before this tier is called, and fields it cannot take; unset: none. */
  requestFields?: TierRequestFields;
}

/** A tool call an assistant made, as OpenAI's API carries it (arguments are a JSON string). */
export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One fragment of a streamed tool call: the first carries id and name, the rest argument text. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  name?: string;
  arguments?: string;
}

/** A function the client offers the model (OpenAI's `tools[]` entry). */
export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

/** A non-text content part, forwarded to the tier as the client sent it. */
export type ContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: 'input_audio'; input_audio: { data: string; format: string } }
  | { type: 'file'; file: { file_data?: string; file_id?: string; filename?: string } }
  | { type: 'refusal'; refusal: string };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | 'function';
  /** The message's text (text parts joined): what the analyzer, the cache and previews read. */
  content: string;
  name?: string;
  /** The client's content parts when they are more than text (images, audio, files): sent to the tier as they came. */
  parts?: ContentPart[];
  /** An assistant turn's tool calls (its content may then be empty). */
  tool_calls?: ToolCall[];
  /** A tool result's call id. */
  tool_call_id?: string;
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export interface ChatRequest {
  messages: ChatMessage[];
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stream?: boolean;
  response_format?: { type: 'text' | 'json_object' | 'json_schema'; json_schema?: unknown };
  logprobs?: boolean;
  top_logprobs?: number;
  stop?: string | string[];
  user?: string;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  n?: number;
  seed?: number;
  /** Every other request field, forwarded to the tier unchanged (penalties, logit_bias, metadata, reasoning_effort, …). */
  extra?: Record<string, unknown>;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** The tier's own breakdowns (cached and reasoning tokens), passed through. */
  prompt_tokens_details?: Record<string, unknown>;
  completion_tokens_details?: Record<string, unknown>;
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
  /** What the tier can serve; unset: the defaults (text, tools, JSON schema, logprobs). */
  capabilities?: TierCapabilities;
  /** Request fields the tier cannot take: a request carrying one goes elsewhere. */
  rejectFields?: readonly string[];
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
  /** What else the tier returned, for the client: tool calls, refusal, raw logprobs, other choices. */
  extras?: AnswerExtras;
}

/** The parts of a tier's answer beyond its text that go back to the client as they came. */
export interface AnswerExtras {
  toolCalls?: ToolCall[];
  refusal?: string | null;
  /** choices[0].logprobs as the tier sent it (the client asked for logprobs). */
  logprobs?: unknown;
  /** choices[1..] when the client asked for n > 1, as the tier sent them. */
  moreChoices?: unknown[];
  systemFingerprint?: string | null;
  /** The stop string that ended the answer, when the tier says (vLLM's choices[0].stop_reason). */
  matchedStop?: string;
}

export interface TierChunk {
  delta: string;
  /** Tool-call fragments of this chunk (OpenAI's delta.tool_calls, index-keyed). */
  toolCallDeltas?: ToolCallDelta[];
  /** Only on the final chunk, which always carries usage. */
  finishReason?: string | null;
  /** On the final chunk: the stop string that ended the answer, when the tier says (vLLM's stop_reason). */
  matchedStop?: string;
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
