// OpenAI-style errors for the HTTP API, and the one table mapping domain error codes (thrown by the
// core as `{ code, message }`) to HTTP statuses. tRPC's error middleware reuses the same table.

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = typeForStatus(status),
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Sent as Retry-After (whole seconds, rounded up) with a 429 or 503. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Domain error codes the core throws, and the HTTP status each means. */
const STATUS_BY_CODE: Record<string, number> = {
  bad_request: 400,
  invalid_request: 400,
  validation: 400,
  invalid_policy: 400,
  unknown_tier: 404,
  model_not_found: 404,
  unauthorized: 401,
  invalid_api_key: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  budget_exceeded: 429,
  rate_limited: 429,
  queue_full: 429,
  no_tier_available: 503,
  tier_unavailable: 503,
  unavailable: 503,
  upstream_error: 502,
  timeout: 504,
};

export function statusForCode(code: string): number | undefined {
  return STATUS_BY_CODE[code];
}

function typeForStatus(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** A thrown value from the core that carries a domain code (duck-typed: the core has no shared base class). */
export function domainCode(err: unknown): string | null {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    const code = (err as { code: string }).code;
    return code in STATUS_BY_CODE ? code : null;
  }
  return null;
}

/** Any error to an HttpError: known domain codes keep their message, anything else is a 500 without internals. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const code = domainCode(err);
  if (code) {
    const status = STATUS_BY_CODE[code];
    const message = err instanceof Error ? err.message : String((err as { message?: unknown }).message ?? code);
    const retry = (err as { retryAfterMs?: unknown }).retryAfterMs;
    return new HttpError(status, message, typeForStatus(status), null, code, typeof retry === 'number' && retry > 0 ? retry : null);
  }
  return new HttpError(500, 'Internal error while handling the request.', 'server_error', null, 'internal_error');
}
