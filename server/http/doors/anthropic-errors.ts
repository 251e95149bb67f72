// Errors in the Anthropic API's shape: {type: "error", error: {type, message}}, the status from the
// one code table (through toHttpError), the error type from the status as Anthropic names them.
import { toHttpError } from '../errors';
import { errorResult, type HttpResult } from '../result';

export function anthropicErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limit_error';
  if (status === 503) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export function anthropicError(err: unknown): HttpResult {
  const e = toHttpError(err);
  // Keeps the headers errorResult sets (retry-after, the decision id) with Anthropic's body.
  const base = errorResult(e);
  const headers = { ...base.headers };
  if (e.status === 401) delete headers['www-authenticate'];
  return { status: e.status, headers, body: JSON.stringify({ type: 'error', error: { type: anthropicErrorType(e.status), message: e.message } }) };
}
