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
