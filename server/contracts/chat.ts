// The gateway's contract with the transports (server/http, server/api, app/api, batch): one request in,
// a full answer or a stream out. The gateway implements ChatService; transports depend only on these
// shapes, so the pipeline's internals can change without touching a route.
import type { ResearchProgress } from '../routing/research';
import type { AnswerExtras, ChatMessage, TierConfig, ToolCall, ToolChoice, ToolDefinition, Usage } from '../tiers/types';
import type { Assessment, Band } from '../complexity/types';
import type { Principal } from './principal';

/** All attempts of one decision: how many, and their tokens, as the decision records them. */
export interface AttemptTotals {
  attempts: number;
  tokensIn: number;
  tokensOut: number;
}

export interface GatewayRequest {
  /** Tier name to force, or null for "auto". */
  model: string | null;
  messages: ChatMessage[];
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
  response_format?: { type: 'text' | 'json_object' | 'json_schema'; json_schema?: unknown };
  user?: string;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  n?: number;
  seed?: number;
  logprobs?: boolean;
  top_logprobs?: number;
  /** Other request fields, forwarded to the tier unchanged. */
  extra?: Record<string, unknown>;
  source: 'api' | 'trpc' | 'chat' | 'batch';
  /** The client's conversation id (x-cascade-conversation or metadata.conversation_id): keeps its turns on one tier. */
  conversation?: string;
  /** The API shape the request came in (recorded, filterable): OpenAI Chat Completions unless said. */
  door?: Door;
  /** Client-set ceiling on the cost of this request (USD). */
  maxCostUsd?: number | null;
  signal?: AbortSignal;
  /**
   * The analyzer's assessment of this very prompt, made moments ago in this process (batch grouping
   * classifies every item before dispatch), so the pipeline does not assess it a second time. Never
   * set from client input: the transports build their requests field by field.
   */
  preassessed?: Assessment;
  /** Told where a research request's preparation is (plan, sub-questions, synthesis), before its first token. */
  onProgress?: (p: ResearchProgress & { decisionId: string }) => void;
}

/** Facts about an answered request, known once the tier is chosen. */
export interface AnswerMeta {
  decisionId: string;
  tier: string | null;
  /** The upstream model that answered (or the tier's model). */
  model: string;
  band: Band | null;
  cached: boolean;
  escalated: boolean;
  simulated: boolean;
}

export const DOORS = ['chat.completions', 'responses', 'messages', 'embeddings'] as const;
export type Door = (typeof DOORS)[number];

export interface ChatResult extends AnswerMeta {
  content: string;
  finishReason: 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'error';
  /** Tool calls, refusal, logprobs, other choices, as the tier returned them. */
  extras?: AnswerExtras;
  usage: Usage;
  costUsd: number;
}

export type ChatStreamEvent =
  | { type: 'delta'; content: string }
  /** The answer's tool calls, whole and checked, after its text. */
  | { type: 'tool_calls'; toolCalls: ToolCall[] }
  /** Tier changed mid-request (escalation before the first token): headers were not yet sent. */
  | { type: 'meta'; meta: Partial<AnswerMeta> }
  /**
   * usage: the answering call's tokens (what an OpenAI client bills); totals: every attempt of the
   * decision (escalations, research steps), as recorded, which costUsd is the cost of.
   */
  | { type: 'done'; finishReason: ChatResult['finishReason']; usage: Usage; costUsd: number; meta: AnswerMeta; totals?: AttemptTotals; matchedStop?: string }
  | { type: 'error'; code: string; message: string };

export interface ChatStream {
  /** Known before the first token; may change via 'meta' events for tier/escalated. */
  meta: AnswerMeta;
  events: AsyncIterable<ChatStreamEvent>;
}

/** The request pipeline (gateway) as transports see it. Errors are DomainErrors with a code. */
export interface ChatService {
  complete(principal: Principal, req: GatewayRequest): Promise<ChatResult>;
  stream(principal: Principal, req: GatewayRequest): Promise<ChatStream>;
}

/** An embeddings request as the door settled it: the tiers to try, in order, and the client's body. */
export interface EmbeddingsRequest {
  candidates: TierConfig[];
  body: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface EmbeddingsResult {
  /** The answer as the tier sent it. */
  body: Record<string, unknown>;
  tier: string;
  decisionId: string;
}

/** Embeddings through admission control, recorded as one decision (door 'embeddings'). */
export interface EmbeddingsService {
  embed(principal: Principal, req: EmbeddingsRequest): Promise<EmbeddingsResult>;
}
