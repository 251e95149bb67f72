// The embedded Postgres: PGlite (Postgres compiled to WebAssembly) behind pglite-socket, so that
// Prisma, pg and the migration runner talk to it over ordinary TCP on 127.0.0.1 like to a real
// server. Data lives in a local folder (or in memory when dataDir is null). One process owns a data
// folder at a time (lock file); stop() closes the socket server and checkpoints PGlite cleanly.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  port: number;
  dataDir: string | null;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder for the data files; null keeps everything in memory (tests, scratch databases). */
  dataDir: string | null;
  /** 0 picks a free port. */
  port?: number;
  /** Must be at least the sum of the pools that connect (Prisma + decision writer + migrations). */
  maxConnections?: number;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims dataDir for this process; a stale lock (dead pid) is taken over. */
function lockDataDir(dir: string): () => void {
  const lock = join(dir, 'cascade.lock');
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
      throw new Error(`embedded Postgres data folder ${dir} is in use by process ${pid}; stop it or set CASCADE_DATA_DIR`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  writeFileSync(lock, String(process.pid));
  return () => rmSync(lock, { force: true });
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgres> {
  let dataDir: string | null = null;
  let unlock = () => {};
  if (opts.dataDir !== null) {
    dataDir = resolve(opts.dataDir);
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  let db: PGlite | undefined;
  try {
    db = await PGlite.create({
      ...(dataDir ? { dataDir: join(dataDir, 'pg') } : {}),
      extensions: { pg_trgm, vector },
    });
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: opts.port ?? 0,
      maxConnections: opts.maxConnections ?? 32,
    });
    await server.start();
    const port = Number(server.getServerConn().split(':').pop());
    let stopped = false;
    const pglite = db;
    return {
      url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
      port,
      dataDir,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await server.stop();
        await pglite.close();
        unlock();
      },
    };
  } catch (err) {
    await db?.close().catch(() => undefined);
    unlock();
    throw err;
  }
}
