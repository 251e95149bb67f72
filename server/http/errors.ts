// OpenAI-style errors for the HTTP API. Statuses come from the one code table (server/lib/errors.ts);
// tRPC's error formatter maps the same DomainErrors with the same table.
import { explainDatabaseFailure } from '../db/failures';
import { DomainError, ERRORS, isErrorCode, type ErrorCode } from '../lib/errors';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** The code an HTTP status means when a route names none. */
function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400: return 'invalid_request';
    case 401: return 'unauthorized';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 405: return 'method_not_allowed';
    case 409: return 'conflict';
    case 413: return 'payload_too_large';
    case 429: return 'rate_limited';
    case 502: return 'upstream_error';
    case 503: return 'unavailable';
    case 504: return 'timeout';
    default: return status >= 500 ? 'internal_error' : 'invalid_request';
  }
}

/** OpenAI's error `type` for a status class. */
export function typeForStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** OpenAI's error `type` for a domain code (an unknown model is a bad request there, though a 404). */
export function typeForCode(code: ErrorCode): string {
  switch (code) {
    case 'bad_request':
    case 'invalid_request':
    case 'invalid_json':
    case 'validation':
    case 'invalid_policy':
    case 'unsupported_capability':
    case 'model_not_found':
    case 'unknown_tier':
    case 'method_not_allowed':
    case 'conflict':
    case 'payload_too_large':
      return 'invalid_request_error';
    case 'unauthorized':
    case 'invalid_api_key':
      return 'authentication_error';
    case 'forbidden':
      return 'permission_error';
    case 'not_found':
      return 'not_found_error';
    case 'budget_exceeded':
    case 'rate_limited':
    case 'queue_full':
      return 'rate_limit_error';
    case 'internal_error':
    case 'upstream_error':
    case 'no_tier_available':
    case 'tier_unavailable':
    case 'unavailable':
    case 'timeout':
      return 'server_error';
  }
}

/** A DomainError shaped for the wire: its status, OpenAI type and param. */
export class HttpError extends DomainError {
  readonly #status: number;

  constructor(
    status: number,
    message: string,
    readonly type: string = typeForStatus(status),
    param: string | null = null,
    code: ErrorCode | null = null,
    decisionId: string | null = null,
    retryAfterMs: number | null = null,
  ) {
    super(code ?? codeForStatus(status), message, { param, decisionId, retryAfterMs });
    this.#status = status;
  }

  override get status(): number {
    return this.#status;
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function statusForCode(code: string): number | undefined {
  return isErrorCode(code) ? ERRORS[code].status : undefined;
}

/** Any error to an HttpError: domain errors keep their message, anything else is a 500 without internals. */
export function toHttpError(raw: unknown): HttpError {
  if (raw instanceof HttpError) return raw;
  // A database failure reads as "database unavailable" (503) or unstorable text (400), never Prisma's own words.
  const err = explainDatabaseFailure(raw);
  if (err instanceof DomainError) {
    return new HttpError(err.status, err.message, typeForCode(err.code), err.param, err.code, err.decisionId, err.retryAfterMs);
  }
  return new HttpError(500, 'Internal error while handling the request.', 'server_error', null, 'internal_error');
}
