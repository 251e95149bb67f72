// The one place domain errors become tRPC errors. The core throws errors carrying a `code`
// (see server/http/errors.ts for the table); their HTTP status picks the tRPC code.
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { explainDatabaseFailure } from '../db/failures';
import { HttpError, domainCode, statusForCode } from '../http/errors';

type TrpcCode = TRPCError['code'];

const CODE_BY_STATUS: Record<number, TrpcCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'TOO_MANY_REQUESTS',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

/** A TRPCError for a known domain failure, or null to leave the error as it is (an internal error). */
export function mapDomainError(raw: unknown): TRPCError | null {
  if (raw instanceof TRPCError) return null;
  const err = explainDatabaseFailure(raw);
  if (err instanceof ZodError) {
    const first = err.issues[0];
    const path = first?.path.map(String).join('.');
    return new TRPCError({ code: 'BAD_REQUEST', message: path ? `${path}: ${first.message}` : (first?.message ?? 'invalid input'), cause: err });
  }
  let status: number | undefined;
  if (err instanceof HttpError) status = err.status;
  else {
    const code = domainCode(err);
    if (code) status = statusForCode(code);
  }
  if (status === undefined) return null;
  const message = err instanceof Error ? err.message : 'request failed';
  return new TRPCError({ code: CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST'), message, cause: err as Error });
}

/** Field-level issues a domain error carries (e.g. policy validation), for forms to show next to fields. */
export function issuesOf(err: unknown): { path: string; message: string }[] | null {
  const issues = (err as { issues?: unknown } | null)?.issues;
  if (!Array.isArray(issues)) return null;
  return issues
    .filter((i): i is { path: unknown; message: unknown } => !!i && typeof i === 'object' && 'message' in i)
    .map((i) => ({ path: Array.isArray(i.path) ? i.path.map(String).join('.') : String(i.path ?? ''), message: String(i.message) }));
}
