// Child processes of the router bench: the fake upstream, Cascade and the Portkey gateway each run
// in their own Node process on loopback, so the load generator (this process) and the upstream do
// not share an event loop with the server being measured.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/fixtures/resources';

const here = dirname(fileURLToPath(import.meta.url));

// Children still running when this process exits (a bench that threw) are killed with it: an orphaned
// fake upstream kept the caller's stdout pipe open, and a shell pipeline waiting on it hung.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

export interface Child {
  child: ChildProcess;
  /** First JSON line the child printed (its address). */
  info: Record<string, unknown>;
  /** Later JSON lines (e.g. Cascade's recorder stats at shutdown). */
  lines: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** Starts `node [nodeArgs] --import tsx script args` and waits for its first JSON line on stdout. */
export async function startTsChild(script: string, args: string[], nodeArgs: string[] = [], timeoutMs = 120_000, opts: { ipc?: boolean; env?: NodeJS.ProcessEnv; command?: string[] } = {}): Promise<Child> {
  // opts.ipc: an IPC channel and the CPU-counter preload (cpu-ipc.mjs; read with processCpu).
  // opts.command: a wrapper in front of node (e.g. valgrind for instruction counts).
  const ipcArgs = opts.ipc ? ['--import', join(here, 'cpu-ipc.mjs')] : [];
  const [cmd, ...pre] = opts.command ?? [process.execPath];
  const child = spawn(cmd, [...pre, ...(opts.command ? [process.execPath] : []), ...nodeArgs, ...ipcArgs, '--import', 'tsx', join(here, script), ...args], {
    stdio: opts.ipc ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
    ...(opts.env ? { env: opts.env } : {}),
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const lines: Record<string, unknown>[] = [];
  const rl = createInterface({ input: child.stdout! });
  let ready: ((v: Record<string, unknown>) => void) | null = null;
  rl.on('line', (line) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // not ours (e.g. a library's log line)
    }
    if (ready) {
      ready(parsed);
      ready = null;
    } else lines.push(parsed);
  });
  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null) => reject(new Error(`${script} exited with code ${code} before it was ready`));
    child.once('exit', onExit);
    ready = (v) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(v);
    };
  }).catch(async (err: unknown) => {
    await stopChild(child);
    throw err;
  });
  return { child, info, lines, stop: () => stopChild(child) };
}

export function stopChild(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The Portkey gateway (npm @portkey-ai/gateway, its own start script) on 127.0.0.1; null when not installed. */
export async function startPortkey(opts: { ipc?: boolean } = {}): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> } | null> {
  let script: string;
  try {
    script = join(dirname(createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json')), 'build', 'start-server.js');
  } catch {
    return null;
  }
  const port = await freePort();
  const ipcArgs = opts.ipc ? ['--import', join(here, 'cpu-ipc.mjs')] : [];
  const child = spawn(process.execPath, ['--import', join(here, 'loopback-only.mjs'), ...ipcArgs, script, `--port=${port}`, '--headless'], { stdio: opts.ipc ? ['ignore', 'ignore', 'ignore', 'ipc'] : ['ignore', 'ignore', process.env.PORTKEY_STDERR ? 'inherit' : 'ignore'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) return null;
    if (await fetch(url).then(() => true, () => false)) return { url, child, stop: () => stopChild(child) };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopChild(child);
  return null;
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc (Linux; clock ticks taken as
 * the usual 100 Hz); null elsewhere. CPU per request is robust to a loaded machine, latency is not.
 */
export function cpuMs(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

export interface ProcessCpu {
  /** user + system CPU ms so far */
  ms: number;
  rss: number;
  /** process.memoryUsage()'s split, bytes (servers preloaded with cpu-ipc.mjs) */
  memory?: { heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
}

let cpuAsk = 0;
/** The child's own process.cpuUsage() and RSS over IPC (started with the cpu-ipc.mjs preload). */
export function processCpu(child: ChildProcess, timeoutMs = 10_000): Promise<ProcessCpu> {
  const id = ++cpuAsk;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', on);
      reject(new Error(`pid ${child.pid} did not report its CPU within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (msg: unknown) => {
      const c = (msg as { cpu?: { userUs: number; systemUs: number; rss: number; memory?: ProcessCpu['memory']; id: number } }).cpu;
      if (!c || c.id !== id) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve({ ms: (c.userUs + c.systemUs) / 1000, rss: c.rss, memory: c.memory });
    };
    child.on('message', on);
    child.send({ cpu: true, id });
  });
}
