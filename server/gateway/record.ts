// Building the one DecisionRecord of a request: hashes, the redacted preview, totals over attempts.
import { createHash } from 'node:crypto';
import type { Assessment } from '../complexity/types';
import type { AttemptRecord, CacheStatus, DecisionRecord, DecisionStatus } from '../decisions/types';
import type { Plan } from '../routing/plan';
import { redactPreview } from '../redaction/redact';
import { costUsd, type ChatMessage, type TierConfig } from '../tiers/types';
import type { Door, GatewayRequest } from '../contracts/chat';

/** Characters of each message that are normalised before hashing; the rest is hashed as it is. */
export const PROMPT_HASH_NORMALIZED_CHARS = 64 * 1024;

/**
 * The decision's prompt identity: the same conversation up to Unicode form, case and whitespace
 * gives the same hash. Normalising costs several passes over the text on the request path, so only
 * the first PROMPT_HASH_NORMALIZED_CHARS of a message are normalised (every real prompt); an
 * oversized message's remainder is hashed raw, which keeps it distinct at the cost of one pass.
 */
export function promptHash(messages: ChatMessage[]): string {
  const h = createHash('sha256');
  messages.forEach((m, i) => {
    const c = m.content;
    const head = c.length > PROMPT_HASH_NORMALIZED_CHARS ? c.slice(0, PROMPT_HASH_NORMALIZED_CHARS) : c;
    h.update(`${i > 0 ? '\n' : ''}${m.role}:${head.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase()}`);
    if (head !== c) h.update(c.slice(PROMPT_HASH_NORMALIZED_CHARS));
  });
  return h.digest('hex');
}

/** What the decision's stored plan carries beyond decide()'s plan: facts the tuner needs later. */
export interface PlanNotes {
  /** Set when exploration (policy.tuner.exploration) moved this request one tier lower or higher. */
  exploration?: { from: string; to: string; share: number };
  /** Set on cache hits: which entry answered and how similar it was (data for the cache-threshold tuner; the entry id lets a thumbs-down evict it). */
  cache?: { entryId: string; kind: 'exact' | 'semantic'; similarity: number; threshold: number; verifier: string | null };
  /** Set when the cache was on but not used for this request: why (a console reader otherwise sees a bare "bypass"). */
  cacheBypass?: { reason: string; detail: string };
  /** What the request carried beyond text, and the door it came through (the decision page shows it). */
  request?: { door: string; tools: number; toolCalls: number; images: number; audio: number; choices: number };
  /** Set on a follow-up turn that stayed on (or moved up from) the conversation's earlier tier. */
  sticky?: { tier: string; applied: boolean };
}

export type RecordedPlan = Plan & PlanNotes;

export interface RecordInput {
  id: string;
  createdAt: Date;
  principal: { id: string | null; apiKeyId: string | null };
  source: DecisionRecord['source'];
  door: Door | null;
  messages: ChatMessage[];
  prompt: string;
  assessment: Assessment | null;
  policyVersion: number | null;
  plan: RecordedPlan | null;
  finalTier: string | null;
  cacheStatus: CacheStatus;
  attempts: AttemptRecord[];
  /** The answering attempt's tokens (for the baseline), when there was one. */
  answerTokens: { in: number; out: number } | null;
  large: TierConfig | undefined;
  latencyMs: number;
  ttftMs: number | null;
  status: DecisionStatus;
  errorCode: string | null;
  /** Cost saved by a cache hit stands in for the baseline when nothing was called. */
  baselineOverrideUsd?: number;
}

/**
 * The API shape a request came in: the door it says, else Chat Completions for the OpenAI-compatible
 * API and batch items (which are Chat Completions bodies); the console's own calls have none.
 */
export function doorOf(req: Pick<GatewayRequest, 'door' | 'source'>): Door | null {
  return req.door ?? (req.source === 'api' || req.source === 'batch' ? 'chat.completions' : null);
}

export function buildDecision(r: RecordInput): DecisionRecord {
  const tokensIn = r.attempts.reduce((s, a) => s + a.tokensIn, 0);
  const tokensOut = r.attempts.reduce((s, a) => s + a.tokensOut, 0);
  const baseline = r.baselineOverrideUsd ?? (r.large && r.answerTokens ? costUsd(r.large, { prompt_tokens: r.answerTokens.in, completion_tokens: r.answerTokens.out, total_tokens: r.answerTokens.in + r.answerTokens.out }) : 0);
  const answerSteps = r.attempts.filter((a) => a.step === 'answer' || a.step === 'synthesize');
  return {
    id: r.id,
    createdAt: r.createdAt,
    principalId: r.principal.id,
    apiKeyId: r.principal.apiKeyId,
    source: r.source,
    door: r.door,
    promptHash: promptHash(r.messages),
    promptPreview: redactPreview(r.prompt),
    band: r.assessment?.band ?? null,
    score: r.assessment?.score ?? null,
    probs: r.assessment?.probs ?? null,
    signals: r.assessment?.signals ?? null,
    policyVersion: r.policyVersion,
    plan: r.plan,
    finalTier: r.finalTier,
    cacheStatus: r.cacheStatus,
    tokensIn,
    tokensOut,
    costUsd: r.attempts.reduce((s, a) => s + a.costUsd, 0),
    baselineCostUsd: baseline,
    latencyMs: r.latencyMs,
    ttftMs: r.ttftMs,
    status: r.status,
    errorCode: r.errorCode,
    escalations: Math.max(0, answerSteps.length - 1),
    attempts: r.attempts,
  };
}
