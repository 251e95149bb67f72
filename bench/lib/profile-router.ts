// Profiles Cascade's hot path under sustained load: starts the fake upstream and the bench's Cascade
// child (bench/lib/cascade-server.ts) with `node --cpu-prof`, drives it with autocannon at a fixed
// rate, stops it (the profile is written on exit) and prints the heaviest functions by self time.
// `node --import tsx bench/lib/profile-router.ts [rps=300] [seconds=15] [outDir=/tmp/cascade-prof]`
// with TEST_DATABASE_URL set (a fresh database is created and dropped, as in the router bench).
// outDir `-`: no profiler, only the load figures and CPU per thread (for A/B runs of two trees).
// CASCADE_BENCH_WITHOUT=cache,analyzer,recorder (any of them) leaves those parts out (cascade-server.ts).
// rps 0: one connection, one request at a time (the bench's "1 conn" row). PROFILE_DIRECT=1 first runs
// the same load against the upstream directly and prints the overhead (Cascade's p50/p99 minus the
// direct call's); CASCADE_TRACE_STAGES=1 (inherited by the child) does too, and also prints the
// per-stage wall times of server/gateway/stage-trace.ts. PROFILE_PACED=1: the load is open-loop at an
// even pace (load.ts runPaced) instead of autocannon's per-second quotas (bursts), for both targets.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { benchDatabase } from './database';
import { runLoad, runPaced, warmUp } from './load';
import { startTsChild } from './processes';

const rate = Number(process.argv[2] ?? 300);
const seconds = Number(process.argv[3] ?? 15);
const outDir = process.argv[4] ?? '/tmp/cascade-prof';
const profiling = outDir !== '-';
if (profiling) mkdirSync(outDir, { recursive: true });

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const db = await benchDatabase();
const before = new Set(profiling ? readdirSync(outDir) : []);
let up: Awaited<ReturnType<typeof startTsChild>> | undefined;
let cascade: Awaited<ReturnType<typeof startTsChild>> | undefined;
try {
  up = await startTsChild('fake-upstream.ts', ['20']);
  cascade = await startTsChild('cascade-server.ts', [`${String(up.info.url)}/v1`, ...(db.url ? [db.url] : [])], profiling ? ['--cpu-prof', `--cpu-prof-dir=${outDir}`] : []);
  let i = 0;
  const target = {
    label: 'cascade', url: String(cascade.info.url), path: '/api/v1/chat/completions',
    headers: { authorization: `Bearer ${String(cascade.info.key)}` },
    body: (n: number) => JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: `Explain what a hash table is in two sentences. (request ${n} ${i++})` }] }),
    pid: cascade.child.pid,
  };
  await warmUp(target, 100);
  const connections = rate > 0 ? Math.max(4, Math.ceil(rate / 20)) : 1;
  const load = { rate: rate > 0 ? rate : null, seconds, connections };
  const paced = process.env.PROFILE_PACED === '1' && rate > 0;
  const drive = (t: Parameters<typeof runLoad>[0]) => (paced ? runPaced(t, { rate, seconds, connections: 32 }) : runLoad(t, load));
  let direct: Awaited<ReturnType<typeof runLoad>> | null = null;
  if (process.env.CASCADE_TRACE_STAGES === '1' || process.env.CASCADE_TRACE_STAGES === 'cpu' || process.env.PROFILE_DIRECT === '1') {
    const upTarget = { label: 'direct', url: String(up.info.url), path: '/v1/chat/completions', headers: {}, body: (n: number) => JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: `Explain what a hash table is in two sentences. (request ${n})` }] }), pid: up.child.pid };
    await warmUp(upTarget, 50);
    direct = await drive(upTarget);
  }
  const idle0 = threadCpu(cascade.child.pid!);
  await new Promise((res) => setTimeout(res, 3000));
  const idle = diff(threadCpu(cascade.child.pid!), idle0);
  cascade.child.kill('SIGUSR2'); // resets the child's event-loop delay histogram
  const t0 = threadCpu(cascade.child.pid!);
  const us0 = userSys(cascade.child.pid!);
  const r = await drive(target);
  const busy = diff(threadCpu(cascade.child.pid!), t0);
  const us1 = userSys(cascade.child.pid!);
  const seen = cascade.lines.length;
  cascade.child.kill('SIGUSR2');
  for (let i = 0; i < 50 && !cascade.lines.slice(seen).some((l) => 'eventLoopDelayMs' in l); i++) await new Promise((res) => setTimeout(res, 20));
  console.log(JSON.stringify({ rate, achieved: r.rps, p50: r.p50, p99: r.p99, cpuMsPerRequest: r.cpuMsPerRequest, failed: r.failed }));
  // Which threads the CPU went to (main = the event loop; onnxruntime, libuv and V8 helpers apart).
  console.log('idle CPU ms/s by thread:', JSON.stringify(Object.fromEntries([...idle].map(([k, v]) => [k, Math.round(v / 3)]))));
  // System time is the kernel's share: socket reads and writes (on loopback the sender also runs the receiver's TCP path), epoll, futexes.
  console.log('user / system CPU ms per request:', JSON.stringify({ user: Number(((us1.user - us0.user) / r.ok).toFixed(3)), system: Number(((us1.system - us0.system) / r.ok).toFixed(3)) }));
  // Timer lateness during the load: a p99 near the latency p99 means our own long tasks; a small one means waiting for a core.
  const loop = cascade.lines.slice(seen).find((l) => 'eventLoopDelayMs' in l);
  console.log('event-loop delay during the load:', JSON.stringify(loop?.eventLoopDelayMs ?? null), 'GC pauses:', JSON.stringify(loop?.gc ?? null));
  if (direct) {
    const f = (x: number) => Number(x.toFixed(2));
    console.log('direct p50 / p99:', f(direct.p50), f(direct.p99), ' overhead p50 / p99:', f(r.p50 - direct.p50), f(r.p99 - direct.p99), ' load average:', loadavg().map((x) => x.toFixed(2)).join(' '));
    const stages = Object.entries((loop as { stages?: Record<string, unknown> } | undefined)?.stages ?? {});
    if (stages.length) console.log('stages (ms):');
    for (const [k, v] of stages) console.log(`  ${k.padEnd(22)} ${JSON.stringify(v)}`);
  }
  console.log('CPU ms per request by thread:', JSON.stringify(Object.fromEntries([...busy].map(([k, v]) => [k, Number((v / r.ok).toFixed(3))]))));
} finally {
  // Also after a failed start: no orphaned upstream, no leftover database.
  await cascade?.stop();
  await up?.stop();
  await db.drop();
}
/** CPU ms (user + system) per thread name of a process, from /proc (Linux, 100 Hz ticks). */
function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // The event loop's thread shares its name with V8's and libuv's helpers: tell it apart.
      const name = tid === String(pid) ? 'main' : raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
      const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      out.set(name, (out.get(name) ?? 0) + (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      // thread ended
    }
  }
  return out;
}

/** User and system CPU ms of the whole process, from /proc (100 Hz ticks). */
function userSys(pid: number): { user: number; system: number } {
  const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  return { user: Number(f[11]) * 10, system: Number(f[12]) * 10 };
}

function diff(a: Map<string, number>, b: Map<string, number>): Map<string, number> {
  return new Map([...a].map(([k, v]) => [k, v - (b.get(k) ?? 0)] as [string, number]).filter(([, v]) => v > 0).sort((x, y) => y[1] - x[1]));
}

if (!profiling) process.exit(0);
const file = readdirSync(outDir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
if (!file) throw new Error('no profile written');
const p = JSON.parse(readFileSync(join(outDir, file), 'utf8')) as Profile;
const self = new Map<number, number>();
for (let k = 0; k < p.samples.length; k++) self.set(p.samples[k], (self.get(p.samples[k]) ?? 0) + (p.timeDeltas[k] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const byFn = new Map<string, number>();
for (const n of p.nodes) {
  const t = self.get(n.id) ?? 0;
  if (!t) continue;
  const url = n.callFrame.url.replace(/^.*node_modules\//, 'nm/').replace(/^file:\/\/.*\/main\//, '');
  const key = `${n.callFrame.functionName || '(anon)'} ${url}:${n.callFrame.lineNumber + 1}`;
  byFn.set(key, (byFn.get(key) ?? 0) + t);
}
console.log(`profile ${join(outDir, file)}: ${(total / 1000).toFixed(0)} ms sampled`);
for (const [k, t] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 45)) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`);
