// What the transports (server/http, server/api, app/api) need from the running process. The
// composition root (./index.ts) builds this from the modules of the core; transports depend only on
// these shapes, so a module's internals can change without touching a route.
import type { ResearchProgress } from '../routing/research';
import type { ChatMessage, TierConfig, Usage } from '../tiers/types';
import type { Assessment, Band } from '../complexity/types';

export const ROLES = ['user', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is asking: a signed-in user (session) or a script holding an API key. */
export interface Principal {
  kind: 'user' | 'apiKey';
  /** User id, or API key id for keys. */
  id: string;
  userId: string | null;
  apiKeyId: string | null;
  role: Role;
  /** Cache / budget scope. */
  tenant: string;
  /** Email or key name, for humans and audit events. */
  name: string;
  /** A session whose password was reset by an admin: only changing the password is allowed. */
  mustChangePassword?: boolean;
  /** An API key limited to these tier names (absent or empty: any tier). */
  allowedTiers?: string[];
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
  source: 'api' | 'trpc' | 'chat' | 'batch';
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

export interface ChatResult extends AnswerMeta {
  content: string;
  finishReason: 'stop' | 'length' | 'content_filter' | 'error';
  usage: Usage;
  costUsd: number;
}

export type ChatStreamEvent =
  | { type: 'delta'; content: string }
  /** Tier changed mid-request (escalation before the first token): headers were not yet sent. */
  | { type: 'meta'; meta: Partial<AnswerMeta> }
  | { type: 'done'; finishReason: ChatResult['finishReason']; usage: Usage; costUsd: number; meta: AnswerMeta }
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

export interface TierDirectory {
  /** Enabled and disabled tiers as currently loaded. */
  list(): TierConfig[];
  byName(name: string): TierConfig | undefined;
}

export interface ApiKeyVerifier {
  /** The principal of a raw key, or null when unknown or revoked. */
  verify(rawKey: string): Promise<Principal | null>;
}

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Goes into the session token; a session whose version is behind the account's has ended. */
  sessionVersion: number;
  mustChangePassword: boolean;
}

/** Sign-in checks for next-auth's providers. */
export interface UserAuth {
  /** The user when the password matches an enabled account, else null (no hint which part was wrong). */
  verifyPassword(email: string, password: string): Promise<AuthUser | null>;
  /**
   * OIDC sign-in: the existing user with this email, or a new one. With `role` (mapped from an
   * identity-provider claim) the account takes that role; without, it keeps its own ("user" when new).
   */
  upsertExternalUser(email: string, name: string, role?: Role | null): Promise<AuthUser | null>;
  /** Writes an audit event about signing in (successes, lock-outs). */
  audit?(action: string, target: string, details: Record<string, unknown>): Promise<void>;
}

/** Ratings of answers (thumbs up/down), e.g. POST /api/v1/feedback. Errors carry a domain code. */
export interface FeedbackPort {
  rate(principal: Principal, input: unknown): Promise<{ id: string; decisionId: string; rating: 1 | -1; replaced: boolean }>;
}
