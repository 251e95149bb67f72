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
  /** What the policy keeps of this decision for retraining; absent when it keeps nothing. */
  training?: TrainingRecord;
}

/** The policy targets a tier can serve; labels for the complexity classifier are read from them. */
export type TrainingTarget = 'small' | 'medium' | 'large';

/** One judged answer of a decision, as training sees it: the verdict and the features, no text. */
export interface JudgedAnswerRecord {
  tier: string;
  /** The policy target this tier serves (null: the tier is no target of the policy). */
  target: TrainingTarget | null;
  accepted: boolean;
  /** The judge whose verdict settled it (null: no judge objected). */
  decidedBy: string | null;
  /** The model judge's P(acceptable), when it ran. */
  score: number | null;
  /** Answer-quality features (server/judging/features.ts FEATURE_NAMES order). */
  features: number[];
  /** The answer's text: only for keys opted in to full text. */
  text?: string;
}

export interface TrainingRecord {
  /** The classifier's non-zero inputs (indices, values) and the model that computed them. */
  complexity: { model: string; i: number[]; v: number[] } | null;
  answers: JudgedAnswerRecord[];
  finalTarget: TrainingTarget | null;
  /** The request's messages (role + text), only for keys opted in to full text. */
  messages?: { role: string; content: string }[];
}

/** A kept training sample as read back with its ratings (server/repos/training.ts). */
export interface TrainingRow {
  decisionId: string;
  createdAt: Date;
  apiKeyId: string | null;
  band: string | null;
  finalTier: string | null;
  finalTarget: TrainingTarget | null;
  complexityModel: string | null;
  complexity: { i: number[]; v: number[] } | null;
  answers: JudgedAnswerRecord[];
  /** Sum of the decision's explicit ratings (+1 / -1 each); null when nobody rated it. */
  rating: number | null;
}

/** Where the request path hands finished decisions: never awaits a database write. */
export interface DecisionSink {
  record(decision: DecisionRecord): void;
}
