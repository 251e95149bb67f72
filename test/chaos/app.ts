// The app as a real process: server.ts (API-only: no Next build needed) with its own data and spool
// directories, its output captured for the secrets scan.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const CHAOS_SECRETS = {
  adminPassword: 'chaos-admin-pw-7f3a9c1e55',
  secretKey: 'chaos-secret-key-0123456789abcdef0123',
  nextAuthSecret: 'chaos-nextauth-secret-9b8c7d6e5f4a',
};

export interface AppProcess {
  url: string;
  pid: number;
  proc: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startApp(o: { databaseUrl: string; port: number; dataDir: string; spoolDir: string; env?: Record<string, string> }): Promise<AppProcess> {
  let out = '';
  // CHAOS_NODE_FLAGS: extra node flags for the app, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (not allowed in NODE_OPTIONS).
  const flags = (process.env.CHAOS_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...flags, '--import', 'tsx', 'server.ts', '--api-only'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(o.port),
      DATABASE_URL: o.databaseUrl,
      CASCADE_DATA_DIR: o.dataDir,
      CASCADE_SPOOL_DIR: o.spoolDir,
      CASCADE_ADMIN_PASSWORD: CHAOS_SECRETS.adminPassword,
      CASCADE_SECRET_KEY: CHAOS_SECRETS.secretKey,
      NEXTAUTH_SECRET: CHAOS_SECRETS.nextAuthSecret,
      NEXTAUTH_URL: `http://127.0.0.1:${o.port}`,
      CASCADE_SIMULATED_TIERS: 'true',
      CASCADE_DRAIN_TIMEOUT_MS: '20000',
      ...o.env,
    },
  });
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${o.port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the app exited during start:\n${out.slice(-3000)}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`the app did not become ready:\n${out.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: proc.pid!,
    proc,
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const code = await exited;
      if (process.env.CHAOS_DEBUG) (await import("node:fs")).writeFileSync(`${process.env.CHAOS_DEBUG}-${proc.pid}.log`, out);
      return code;
    },
  };
}

/** Resident memory of a process, in MB (Linux). */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}
