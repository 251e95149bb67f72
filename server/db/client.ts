// The one Prisma client of the process, plus how Cascade finds its database: DATABASE_URL when set,
// else an embedded PGlite under CASCADE_DATA_DIR. Nothing connects at import time (`next build`
// imports route modules); the process-wide state sits on globalThis because Next.js bundles route
// code separately from the custom server, and both must share one client and one embedded server.
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { env } from '../env';
import { createDbGuard, type DbGuard } from '../db/guard';
import { guardPrisma } from '../db/guard-prisma';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
import { PrismaClient } from './generated/client';
import { migrate } from './migrate';
import { utcSessionUrl } from './utc';

export { PrismaClient };
export type { Prisma } from './generated/client';

export interface Database {
  url: string;
  prisma: PrismaClient;
  embedded: boolean;
  close(): Promise<void>;
}

interface State {
  prisma?: PrismaClient;
  guard?: DbGuard;
  database?: Promise<Database>;
  url?: string;
}
const KEY = Symbol.for('cascade.db');
const g = globalThis as unknown as Record<symbol, State | undefined>;
const state: State = (g[KEY] ??= {});

/** A new client on its own pool (tests, scripts). The caller disconnects it. */
export function createPrisma(url: string, opts: { poolSize?: number; guard?: DbGuard } = {}): PrismaClient {
  const e = env();
  // Without timeouts a database that accepts connections but never answers holds every caller forever.
  const adapter = new PrismaPg({
    connectionString: utcSessionUrl(url),
    max: opts.poolSize ?? e.DB_POOL_SIZE,
    connectionTimeoutMillis: e.DB_CONNECT_TIMEOUT_MS,
    // The server cancels a slow statement first (an error and ReadyForQuery: the connection stays in
    // step); the client's own read timeout, a little later, only catches a server that went silent.
    // Equal, the client timer usually wins and abandons a statement still running; a transaction's
    // connection goes back to the pool without an error (adapter-pg's commit/rollback release it
    // plainly), so the next caller could get a connection with that statement still in flight.
    query_timeout: e.DB_STATEMENT_TIMEOUT_MS + 2_000,
    statement_timeout: e.DB_STATEMENT_TIMEOUT_MS,
  });
  const client = new PrismaClient({ adapter });
  return opts.guard ? guardPrisma(client, opts.guard) : client;
}

/** The process's database guard (breaker, watchdog, load shedding), once getPrisma() made the client. */
export function databaseGuard(): DbGuard | undefined {
  return state.guard;
}

/** The process-wide client. Created on first use from the connected database or DATABASE_URL. */
export function getPrisma(): PrismaClient {
  if (state.prisma) return state.prisma;
  const url = state.url ?? env().DATABASE_URL;
  if (!url) throw new Error('database not connected: call connectDatabase() at startup (or set DATABASE_URL)');
  state.url = url;
  state.guard ??= createDbGuard({ probeUrl: utcSessionUrl(url) });
  state.prisma = createPrisma(url, { guard: state.guard });
  return state.prisma;
}

/** URL of the connected database, once connectDatabase() (or getPrisma() with DATABASE_URL) ran. */
export function databaseUrl(): string | undefined {
  return state.url ?? env().DATABASE_URL;
}

/**
 * Connects the process to its database, starting the embedded one when no URL is configured,
 * and applies pending migrations. Idempotent: later calls return the same connection.
 */
export function connectDatabase(opts: { url?: string } = {}): Promise<Database> {
  state.database ??= open(opts).catch((err: unknown) => {
    state.database = undefined;
    throw err;
  });
  return state.database;
}

async function open(opts: { url?: string }): Promise<Database> {
  const e = env();
  let url = opts.url ?? e.DATABASE_URL;
  let embedded: EmbeddedPostgres | undefined;
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: join(e.CASCADE_DATA_DIR, 'pgdata'),
      port: e.CASCADE_EMBEDDED_PG_PORT,
      // Prisma's pool, the decision writer's pool, migrations and a margin for scripts.
      maxConnections: e.DB_POOL_SIZE * 2 + 8,
    });
    url = embedded.url;
  }
  url = utcSessionUrl(url); // every pool built from this URL (writer, cache, scripts) runs in UTC
  try {
    await migrate(url);
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  state.url = url;
  // The watchdog probes a database that can go away; the embedded one lives and dies with the process.
  state.guard ??= createDbGuard({ probeUrl: embedded ? undefined : url });
  const prisma = getPrisma();
  return {
    url,
    prisma,
    embedded: embedded !== undefined,
    close: async () => {
      await prisma.$disconnect();
      state.guard?.close();
      state.guard = undefined;
      state.prisma = undefined;
      state.database = undefined;
      state.url = undefined;
      await embedded?.stop();
    },
  };
}
