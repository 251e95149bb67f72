// While a server runs on the embedded Postgres, it owns the data folder: a CLI command (e.g.
// create-api-key) cannot open it, but can connect to the server's socket. The server leaves its
// database URL here; readers check that the pid is alive before trusting it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProcessInfo {
  pid: number;
  databaseUrl: string;
}

const file = (dataDir: string) => join(dataDir, 'server.json');

export function writeProcessFile(dataDir: string, databaseUrl: string): () => void {
  writeFileSync(file(dataDir), JSON.stringify({ pid: process.pid, databaseUrl } satisfies ProcessInfo), { mode: 0o600 });
  return () => {
    try {
      const info = JSON.parse(readFileSync(file(dataDir), 'utf8')) as ProcessInfo;
      if (info.pid === process.pid) rmSync(file(dataDir), { force: true });
    } catch {
      // already gone
    }
  };
}

/** The running server's embedded database URL, or null when no live server owns the folder. */
export function runningServerDatabase(dataDir: string): string | null {
  try {
    const info = JSON.parse(readFileSync(file(dataDir), 'utf8')) as ProcessInfo;
    process.kill(info.pid, 0);
    return typeof info.databaseUrl === 'string' ? info.databaseUrl : null;
  } catch {
    return null;
  }
}

/**
 * Where a CLI command that writes to the app's database connects: an explicit URL, else DATABASE_URL,
 * else the running server's embedded database (through its socket); undefined lets connectDatabase
 * open the embedded folder itself (no server running).
 */
export function cliDatabaseUrl(explicit: string | undefined, e: { DATABASE_URL?: string; CASCADE_DATA_DIR: string }): string | undefined {
  return explicit ?? e.DATABASE_URL ?? runningServerDatabase(e.CASCADE_DATA_DIR) ?? undefined;
}
