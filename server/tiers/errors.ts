// Typed failures of a tier call. The cascade executor escalates on every kind; the retry policy
// (client.ts) only retries the transient ones, and never once a stream has emitted tokens.
import { DomainError, type ErrorCode } from '../lib/errors';


export const TIER_ERROR_KINDS = [
  'timeout',
  'rate_limited',
  'http_4xx',
  'http_5xx',
  'network',
  'bad_response',
  'stream_cut',
  // Extensions: the breaker refused the call without touching the network, or our caller gave up.
  'circuit_open',
  'cancelled',
] as const;
export type TierErrorKind = (typeof TIER_ERROR_KINDS)[number];

export interface TierErrorInit {
  tier?: string;
  status?: number;
  retryAfterMs?: number | null;
  /** Content tokens already delivered to the caller before the failure (streams only). */
  emittedTokens?: number;
  cause?: unknown;
}

/** The domain code a tier failure surfaces as, when no other tier answered in its place. */
function codeForKind(kind: TierErrorKind): ErrorCode {
  switch (kind) {
    case 'timeout': return 'timeout';
    case 'rate_limited': return 'rate_limited';
    case 'circuit_open': return 'tier_unavailable';
    case 'cancelled': return 'bad_request';
    case 'http_4xx':
    case 'http_5xx':
    case 'network':
    case 'bad_response':
    case 'stream_cut': return 'upstream_error';
  }
}

export class TierError extends DomainError {
  readonly kind: TierErrorKind;
  readonly tier: string | undefined;
  /** The tier's own HTTP status, when it answered with one. */
  readonly upstreamStatus: number | undefined;
  readonly retryAfterMs: number | null;
  readonly emittedTokens: number;

  constructor(kind: TierErrorKind, message: string, init: TierErrorInit = {}) {
    super(codeForKind(kind), message, { cause: init.cause });
    this.kind = kind;
    this.tier = init.tier;
    this.upstreamStatus = init.status;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.emittedTokens = init.emittedTokens ?? 0;
  }

  /** Worth retrying on the same tier: overload or a transient server/connection fault. */
  get retryable(): boolean {
    return this.emittedTokens === 0 && (this.kind === 'rate_limited' || this.kind === 'http_5xx' || this.kind === 'network');
  }

  /** Says something about the tier's health (the circuit breaker counts these). */
  get tierFault(): boolean {
    return this.kind !== 'http_4xx' && this.kind !== 'cancelled' && this.kind !== 'circuit_open';
  }
}

export function isTierError(err: unknown): err is TierError {
  return err instanceof TierError;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3); garbage gives null. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (value == null) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

/** Maps an HTTP status to a kind: 429 -> rate_limited, 408 -> timeout, else 4xx/5xx. */
export function kindForStatus(status: number): TierErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  return 'bad_response';
}
