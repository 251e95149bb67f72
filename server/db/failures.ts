// What a failed database call means for the caller, read from Prisma's, the driver adapter's and pg's
// errors: the database is unreachable or too slow (503 "database unavailable", worth a retry later), or
// the request carried text Postgres cannot store (400). Anything else is left alone. Callers see a
// plain sentence, never host:port, SQL state codes or Prisma's invocation text.
import { DomainError } from '../lib/errors';

/** Thrown when the database cannot be reached in time (or its breaker is open); a 503 everywhere. */
export class DatabaseUnavailableError extends DomainError {
  constructor(retryAfterSeconds = 5) {
    super('unavailable', 'database unavailable: try again shortly', { retryAfterMs: retryAfterSeconds * 1000 });
  }
}

/** Text Postgres rejects (a NUL character); a 400. */
export class UnstorableTextError extends DomainError {
  constructor() {
    super('bad_request', 'text must not contain NUL (\\u0000) characters');
  }
}

// Prisma: P1001 can't reach, P1002 timed out, P1008 operation timed out, P1017 connection closed,
// P2024 pool timeout. Driver adapter kinds for the same. pg/Node socket codes, Postgres classes 08
// (connection), 53 (resources), 57P (shutdown, cancel: statement_timeout is 57014).
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const KINDS_UNAVAILABLE = new Set(['DatabaseNotReachable', 'DatabaseDoesNotExist', 'SocketTimeout', 'ConnectionClosed', 'TooManyConnections', 'TransactionAlreadyClosed']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const UNAVAILABLE_MESSAGE = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|canceling statement due to statement timeout|Client has encountered a connection error|not queryable|the database system is (starting up|shutting down)|Can't reach database server/i;

interface Shape {
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: Shape } } & Record<string, unknown>;
}

function* chain(err: unknown): Generator<Shape> {
  let e = err as Shape | null | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    yield e;
    const adapter = e.meta?.driverAdapterError?.cause;
    if (adapter) yield adapter;
    e = e.cause as Shape | undefined;
  }
}

/**
 * Postgres 26000 (invalid_sql_statement_name: "unnamed prepared statement does not exist"): the
 * server got a Bind for a statement it no longer has, so nothing ran. It says nothing about the
 * query or the database; the connection's protocol state went astray (a statement abandoned by a
 * client-side timeout, a proxy that multiplexes sessions). Safe to try once more, and a 503 if
 * that fails too, never a 500.
 */
const LOST_STATEMENT_MESSAGE = /prepared statement "[^"]*" does not exist/i;

export function databaseFailure(err: unknown): 'unavailable' | 'unstorable_text' | 'statement_lost' | null {
  if (err instanceof DatabaseUnavailableError) return 'unavailable';
  if (err instanceof UnstorableTextError) return 'unstorable_text';
  for (const e of chain(err)) {
    const code = typeof e.code === 'string' ? e.code : '';
    const kind = typeof e.kind === 'string' ? e.kind : '';
    if (code === '26000' || (typeof e.message === 'string' && LOST_STATEMENT_MESSAGE.test(e.message))) return 'statement_lost';
    if (code === '22021' || code === '22P05' || (kind === 'postgres' && /0x00/.test(String(e.message)))) return 'unstorable_text';
    if (PRISMA_UNAVAILABLE.has(code) || KINDS_UNAVAILABLE.has(kind) || SOCKET_CODES.has(code) || /^(08|53|57P)/.test(code) || code === '57014') return 'unavailable';
    if (typeof e.message === 'string' && UNAVAILABLE_MESSAGE.test(e.message)) return 'unavailable';
  }
  return null;
}

/** The domain error to show for a database failure, or the error itself when it is not one. */
export function explainDatabaseFailure(err: unknown): unknown {
  const kind = databaseFailure(err);
  if (kind === 'unavailable') return err instanceof DatabaseUnavailableError ? err : new DatabaseUnavailableError();
  if (kind === 'statement_lost') return new DatabaseUnavailableError(1);
  if (kind === 'unstorable_text') return err instanceof UnstorableTextError ? err : new UnstorableTextError();
  return err;
}
