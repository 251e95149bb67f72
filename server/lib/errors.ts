// One error type for the whole core. Every failure a caller should see (bad input, a missing thing, a
// refused request, an unreachable tier) is a DomainError whose code is a key of ERRORS; the table gives
// the HTTP status and the tRPC code, so the two transports cannot disagree about what a code means.
// Anything else that escapes is an internal error: a 500 without internals.

export const ERRORS = {
  bad_request: { status: 400, trpc: 'BAD_REQUEST' },
  invalid_request: { status: 400, trpc: 'BAD_REQUEST' },
  invalid_json: { status: 400, trpc: 'BAD_REQUEST' },
  validation: { status: 400, trpc: 'BAD_REQUEST' },
  invalid_policy: { status: 400, trpc: 'BAD_REQUEST' },
  unsupported_capability: { status: 400, trpc: 'BAD_REQUEST' },
  unauthorized: { status: 401, trpc: 'UNAUTHORIZED' },
  invalid_api_key: { status: 401, trpc: 'UNAUTHORIZED' },
  forbidden: { status: 403, trpc: 'FORBIDDEN' },
  not_found: { status: 404, trpc: 'NOT_FOUND' },
  unknown_tier: { status: 404, trpc: 'NOT_FOUND' },
  model_not_found: { status: 404, trpc: 'NOT_FOUND' },
  method_not_allowed: { status: 405, trpc: 'METHOD_NOT_SUPPORTED' },
  conflict: { status: 409, trpc: 'CONFLICT' },
  payload_too_large: { status: 413, trpc: 'PAYLOAD_TOO_LARGE' },
  budget_exceeded: { status: 429, trpc: 'TOO_MANY_REQUESTS' },
  rate_limited: { status: 429, trpc: 'TOO_MANY_REQUESTS' },
  queue_full: { status: 429, trpc: 'TOO_MANY_REQUESTS' },
  internal_error: { status: 500, trpc: 'INTERNAL_SERVER_ERROR' },
  upstream_error: { status: 502, trpc: 'BAD_GATEWAY' },
  no_tier_available: { status: 503, trpc: 'SERVICE_UNAVAILABLE' },
  tier_unavailable: { status: 503, trpc: 'SERVICE_UNAVAILABLE' },
  unavailable: { status: 503, trpc: 'SERVICE_UNAVAILABLE' },
  timeout: { status: 504, trpc: 'GATEWAY_TIMEOUT' },
} as const satisfies Record<string, { status: number; trpc: string }>;

export type ErrorCode = keyof typeof ERRORS;
export type TrpcErrorCode = (typeof ERRORS)[ErrorCode]['trpc'];

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, code);
}

export interface DomainErrorOptions {
  /** The request field at fault, when there is one (OpenAI's `param`). */
  param?: string | null;
  /** The decision recorded for this request, when one was. */
  decisionId?: string | null;
  /** Field-level issues, for forms that show each next to its field. */
  issues?: { path: string; message: string }[];
  /** When the client may try again (429, 503): sent as Retry-After. */
  retryAfterMs?: number | null;
  cause?: unknown;
}

/** Marks every DomainError, whichever copy of this module made it (see Symbol.hasInstance below). */
const BRAND = Symbol.for('cascade.DomainError');

export class DomainError extends Error {
  /**
   * The process runs this module twice: once in the runtime server.ts starts (tsx) and once inside
   * Next's server bundle, where the tRPC routers live. A store of the runtime throws the one class,
   * a router checks against the other, and a plain `instanceof` said no: every domain error became
   * a 500 without its field issues. So DomainError itself recognises any branded error; a subclass
   * (HttpError, FeedbackError, …) recognises its own instances, or a branded error of that class name.
   */
  static [Symbol.hasInstance](x: unknown): boolean {
    if (typeof x !== 'object' || x === null) return false;
    if (Function.prototype[Symbol.hasInstance].call(this, x)) return true;
    if ((x as { [BRAND]?: unknown })[BRAND] !== true) return false;
    return this === DomainError || (x as { name?: unknown }).name === this.name;
  }

  readonly [BRAND] = true;
  readonly param: string | null;
  readonly decisionId: string | null;
  readonly issues: { path: string; message: string }[] | undefined;
  readonly retryAfterMs: number | null;

  constructor(
    readonly code: ErrorCode,
    message: string,
    opts: DomainErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.param = opts.param ?? null;
    this.decisionId = opts.decisionId ?? null;
    this.issues = opts.issues;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }

  get status(): number {
    return ERRORS[this.code].status;
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
