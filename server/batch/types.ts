// Shapes of the batch module: a stored job, its items, the results a client downloads, and the
// service the transports (tRPC router, HTTP API) call. Framework-free.
import type { Principal } from '../contracts/principal';
import type { GatewayRequest } from '../contracts/chat';

/** One request of a batch as stored: the gateway request minus what the runner adds (source, signal). */
export type BatchRequest = Omit<GatewayRequest, 'source' | 'signal'> & { customId?: string };

/** A parsed line: a request, or the reason it could not be one. `line` is 1-based in the file. */
export type ParsedLine = { line: number; request: BatchRequest; error: null } | { line: number; request: null; error: string; raw: string };

export type JobStatus = 'queued' | 'running' | 'completed' | 'cancelled';
export type ItemStatus = 'queued' | 'done' | 'failed' | 'cancelled';

/** Per dispatch group (a tier name, 'research', or REJECTED_GROUP): items, finished (ok or failed), failed. */
export type PerTier = Record<string, { total: number; done: number; failed: number }>;

export interface BatchJobView {
  id: string;
  name: string;
  status: JobStatus;
  createdAt: Date;
  finishedAt: Date | null;
  createdById: string;
  total: number;
  /** Items answered. */
  done: number;
  /** Items that failed, including malformed lines. */
  failed: number;
  perTier: PerTier;
  costUsd: number;
}

export interface ItemResult {
  line: number;
  customId: string | null;
  status: ItemStatus;
  /** The dispatch group the item was classified into. */
  tier: string | null;
  /** The tier that answered (differs from `tier` after an escalation). */
  answeredBy: string | null;
  content: string | null;
  finishReason: string | null;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
  escalated: boolean;
  cached: boolean;
  costUsd: number;
  decisionId: string | null;
  error: string | null;
}

export interface CostSummary {
  items: number;
  done: number;
  failed: number;
  cancelled: number;
  pending: number;
  costUsd: number;
  /** Mean cost of an answered item (0 when none). */
  avgCostUsd: number;
  tokensIn: number;
  tokensOut: number;
  byTier: Record<string, { items: number; done: number; failed: number; costUsd: number; tokensIn: number; tokensOut: number }>;
}

export interface BatchService {
  /** Stores the job (all items in one transaction) and starts it. Malformed lines are stored as failed items. */
  create(principal: Principal, input: { name: string; lines: ParsedLine[] }): Promise<BatchJobView>;
  get(id: string): Promise<BatchJobView | null>;
  /** Stops the job: queued items become cancelled, calls in flight are aborted. False when already finished. */
  cancel(id: string): Promise<boolean>;
  results(id: string): Promise<{ items: ItemResult[]; summary: CostSummary } | null>;
  /** Job snapshots whenever its progress changes, until it finishes or `signal` aborts. */
  watch(id: string, signal?: AbortSignal): AsyncIterable<BatchJobView>;
  /** Waits for the job's run in this process to end (tests, shutdown). */
  settled(id: string): Promise<void>;
  /** Resumes queued and running jobs (called once at startup). */
  start(): Promise<void>;
  /** Stops dispatching; unfinished items stay queued for the next start. */
  stop(): Promise<void>;
}

export const REJECTED_GROUP = '(rejected)';
export const TERMINAL: readonly JobStatus[] = ['completed', 'cancelled'];
