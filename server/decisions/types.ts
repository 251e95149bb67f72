// Contract of the decision record: one per request, with one attempt per tier call.
import type { Band, BandProbs } from '../complexity/types';

export type CacheStatus = 'miss' | 'exact' | 'semantic' | 'bypass' | 'off';
export type DecisionStatus = 'ok' | 'error' | 'partial' | 'rejected';
export type AttemptOutcome =
  | 'ok'
  | 'error'
  | 'timeout'
  | 'rate_limited'
  | 'circuit_open'
  | 'queue_full'
  | 'bad_answer'
  | 'stream_cut'
  | 'cancelled'
  // Verdicts of the answer judges (attempt steps 'judge:<judge>'): the judged answer was accepted,
  // rejected (the request escalated), or the judge passed it on to the next judge.
  | 'accepted'
  | 'rejected'
  | 'abstained';

export interface AttemptRecord {
  seq: number;
  tierId: string;
  tierName: string;
  /** research pipeline step ("plan" | "sub:3" | "synthesize") or "answer". */
  step: string;
  startedAt: Date;
  latencyMs: number;
  ttftMs: number | null;
  queueMs: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  outcome: AttemptOutcome;
  /** Why the answer failed the checks, or the upstream error, for humans. */
  detail: string | null;
}

/** The contracts' `Door` (server/contracts/chat.ts), spelled out: decisions sit below the contracts. */
export type DecisionDoor = 'chat.completions' | 'responses' | 'messages' | 'embeddings';

export interface DecisionRecord {
  /** Time-ordered UUIDv7. */
  id: string;
  createdAt: Date;
  principalId: string | null; // user id or api key id
  apiKeyId: string | null;
  source: 'api' | 'trpc' | 'chat' | 'batch' | 'simulation';
  /** The API shape the request came in (Chat Completions, Responses, Messages); null for the console's own calls. */
  door?: DecisionDoor | null;
  promptHash: string; // sha256 hex of the normalized prompt
  promptPreview: string; // redacted, <= 280 chars
  band: Band | null;
  score: number | null;
  probs: BandProbs | null;
  signals: unknown;
  policyVersion: number | null;
  plan: unknown;
  finalTier: string | null;
  cacheStatus: CacheStatus;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  /** What the large tier would have cost for the same tokens: the savings baseline. */
  baselineCostUsd: number;
  latencyMs: number;
  ttftMs: number | null;
  status: DecisionStatus;
  errorCode: string | null;
  escalations: number;
  attempts: AttemptRecord[];
}

/** Where the request path hands finished decisions: never awaits a database write. */
export interface DecisionSink {
  record(decision: DecisionRecord): void;
}
