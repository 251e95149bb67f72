// The one place domain errors become tRPC errors: the code table (server/lib/errors.ts) gives each
// DomainError's tRPC code; zod errors are bad requests; anything else stays an internal error.
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { explainDatabaseFailure } from '../db/failures';
import { DomainError, ERRORS } from '../lib/errors';
import { HttpError } from '../http/errors';

type TrpcCode = TRPCError['code'];

function trpcCodeForStatus(status: number): TrpcCode {
  switch (status) {
    case 400: return 'BAD_REQUEST';
    case 401: return 'UNAUTHORIZED';
    case 403: return 'FORBIDDEN';
    case 404: return 'NOT_FOUND';
    case 405: return 'METHOD_NOT_SUPPORTED';
    case 409: return 'CONFLICT';
    case 413: return 'PAYLOAD_TOO_LARGE';
    case 429: return 'TOO_MANY_REQUESTS';
    case 502: return 'BAD_GATEWAY';
    case 503: return 'SERVICE_UNAVAILABLE';
    case 504: return 'GATEWAY_TIMEOUT';
    default: return status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
  }
}

/** A TRPCError for a known domain failure, or null to leave the error as it is (an internal error). */
export function mapDomainError(raw: unknown): TRPCError | null {
  if (raw instanceof TRPCError) return null;
  // A database failure reads as "database unavailable" (503) or unstorable text (400), never Prisma's own words.
  const err = explainDatabaseFailure(raw);
  if (err instanceof ZodError) {
    const first = err.issues[0];
    const path = first?.path.map(String).join('.');
    return new TRPCError({ code: 'BAD_REQUEST', message: path ? `${path}: ${first.message}` : (first?.message ?? 'invalid input'), cause: err });
  }
  if (!(err instanceof DomainError)) return null;
  // An HttpError may carry a status other than its code's (a route's own choice); it wins.
  const code = err instanceof HttpError ? trpcCodeForStatus(err.status) : ERRORS[err.code].trpc;
  return new TRPCError({ code, message: err.message, cause: err });
}

/** Field-level issues a domain error carries (e.g. policy validation), for forms to show next to fields. */
export function issuesOf(err: unknown): { path: string; message: string }[] | null {
  return err instanceof DomainError && err.issues ? err.issues : null;
}
