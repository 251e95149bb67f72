// Instructions per request, counted by valgrind's callgrind: repeatable whatever else the machine
// runs (wall time and CPU time are not, on 2 shared cores). Each server runs under valgrind with
// instrumentation off through start-up and warm-up; then, in the same process, counters are zeroed
// (callgrind_control), N sequential requests sent and the counters dumped, then the same for 2N:
// per request = (I(2N) - I(N)) / N, which cancels what a window costs whatever its length.
// Per stage: a second Cascade process with CASCADE_TRACE_STAGES=cpu (stage-trace.ts timing by CPU
// time, which under valgrind runs in proportion to instructions) gives each stage's share, scaled
// by that process's own instructions per CPU ms.
// `TEST_DATABASE_URL=… node --import tsx bench/lib/instructions.ts [N=300] [warm=200] [targets=bare,cascade,stages]`
// (also `npm run bench -- latency --instructions`, which calls run() below). Slow: minutes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchDatabase } from './database';
import { processCpu, startTsChild, type Child } from './processes';
import { templatedPrompt } from './queries';
import { runSequential, type SeqTarget } from './sequential';

export interface InstructionCounts {
  /** instructions per request, by target */
  perRequest: Record<string, number>;
  /** Cascade stages: instructions per request (miss and hit), from the traced process */
  stages: Record<string, Record<string, number>>;
  n: number;
  warm: number;
}

function callgrind(pid: number, args: string[]): void {
  execFileSync('callgrind_control', [...args, String(pid)], { stdio: 'ignore', timeout: 120_000 });
}

/** Zero, run, dump: the window's instructions (all threads) and CPU ms. */
async function window(c: Child, dir: string, run: () => Promise<void>): Promise<{ ir: number; cpuMs: number }> {
  const pid = c.child.pid!;
  callgrind(pid, ['-z']);
  const c0 = await processCpu(c.child, 120_000);
  await run();
  const c1 = await processCpu(c.child, 120_000);
  const before = new Set(readdirSync(dir));
  callgrind(pid, ['-d']);
  let file: string | undefined;
  for (let i = 0; i < 600 && !file; i++) {
    file = readdirSync(dir).find((f) => !before.has(f) && f.startsWith(`cg.${pid}`));
    if (!file) await new Promise((r) => setTimeout(r, 100));
  }
  if (!file) throw new Error(`callgrind wrote no dump for pid ${pid}`);
  let text = '';
  for (let i = 0; i < 100; i++) {
    text = readFileSync(join(dir, file), 'utf8');
    if (/^totals:/m.test(text)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const m = /^(?:totals|summary):\s*(\d+)/m.exec(text);
  if (!m) throw new Error(`no totals in ${file}`);
  return { ir: Number(m[1]), cpuMs: c1.ms - c0.ms };
}

const valgrind = (dir: string) => ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${join(dir, 'cg.%p')}`, '--vgdb=yes'];

export async function run(opts: { n?: number; warm?: number; only?: string[] } = {}): Promise<InstructionCounts> {
  const n = opts.n ?? 300;
  const warm = opts.warm ?? 200;
  const only = new Set(opts.only ?? ['bare', 'cascade', 'stages']);
  const dir = mkdtempSync(join(tmpdir(), 'cascade-cg-'));
  const db = await benchDatabase();
  const children: Child[] = [];
  const out: InstructionCounts = { perRequest: {}, stages: {}, n, warm };
  let seq = 0;
  const body = (model: string) => (i: number) => JSON.stringify({ model, messages: [{ role: 'user', content: templatedPrompt(1_000_000 + seq++ + i * 0) }] });
  const hitBody = () => JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
  const seqRun = (t: SeqTarget, count: number) => async () => {
    const r = await runSequential([t], count, { stream: false, offset: 0 });
    const f = r.get(t.label)!.failed;
    if (f) throw new Error(`${t.label}: ${f} of ${count} requests failed`);
  };
  /** Per request from windows of n and 2n requests in the same process. */
  const perRequest = async (c: Child, t: SeqTarget) => {
    // A first, discarded window: the first one after instrumentation is switched on costs extra.
    await window(c, dir, seqRun(t, Math.max(10, Math.round(n / 5))));
    const a = await window(c, dir, seqRun(t, n));
    const b = await window(c, dir, seqRun(t, 2 * n));
    if (process.env.INSTRUCTIONS_VERBOSE) console.error(`${t.label}: ${n} requests ${a.ir} (${a.cpuMs} ms CPU), ${2 * n} requests ${b.ir} (${b.cpuMs} ms)`);
    return { ir: Math.round((b.ir - a.ir) / n), irPerCpuMs: (a.ir + b.ir) / (a.cpuMs + b.cpuMs) };
  };
  try {
    const up = await startTsChild('fake-upstream.ts', ['0']);
    children.push(up);
    const upUrl = String(up.info.url);
    // Seed the database at full speed first: under valgrind start-up's seed transaction would
    // outlive Prisma's 5 s interactive-transaction timeout.
    if (only.has('cascade') || only.has('stages')) await (await startTsChild('cascade-server.ts', [`${upUrl}/v1`, ...(db.url ? [db.url] : [])])).stop();
    if (only.has('bare')) {
      const bare = await startTsChild('bare-proxy.ts', [upUrl], [], 600_000, { ipc: true, command: valgrind(dir) });
      children.push(bare);
      const t: SeqTarget = { label: 'bare proxy', origin: String(bare.info.url), path: '/v1/chat/completions', headers: {}, body: body('fake-model') };
      await seqRun(t, warm)();
      callgrind(bare.child.pid!, ['-i', 'on']);
      out.perRequest['bare proxy'] = (await perRequest(bare, t)).ir;
      await bare.stop();
    }
    for (const mode of ['cascade', 'stages'] as const) {
      if (!only.has(mode)) continue;
      const env = { ...process.env, CASCADE_TRACE_STAGES: mode === 'stages' ? 'cpu' : '0', DB_CONNECT_TIMEOUT_MS: '60000', DB_STATEMENT_TIMEOUT_MS: '120000' };
      const cascade = await startTsChild('cascade-server.ts', [`${upUrl}/v1`, ...(db.url ? [db.url] : [])], [], 900_000, { ipc: true, command: valgrind(dir), env });
      children.push(cascade);
      const auth = { authorization: `Bearer ${String(cascade.info.key)}` };
      const miss: SeqTarget = { label: 'cascade miss', origin: String(cascade.info.url), path: '/api/v1/chat/completions', headers: auth, body: body('auto') };
      const hit: SeqTarget = { label: 'cascade hit', origin: String(cascade.info.url), path: '/api/v1/chat/completions', headers: auth, body: hitBody };
      await seqRun(miss, warm)();
      await seqRun(hit, Math.max(20, warm / 4))();
      callgrind(cascade.child.pid!, ['-i', 'on']);
      for (const t of [miss, hit]) {
        if (mode === 'cascade') {
          out.perRequest[t.label] = (await perRequest(cascade, t)).ir;
          continue;
        }
        // Traced: the stage means (CPU ms) of one window, scaled to instructions.
        await stageTable(cascade); // resets the samples
        const w = await window(cascade, dir, seqRun(t, n));
        const stages = await stageTable(cascade);
        const irPerMs = w.ir / w.cpuMs;
        out.stages[t.label] = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Math.round(v.mean * irPerMs)]));
        out.stages[t.label]['(window per request)'] = Math.round(w.ir / n);
      }
      await cascade.stop();
    }
  } finally {
    for (const c of children.reverse()) await c.stop();
    await db.drop();
  }
  return out;
}

async function stageTable(c: Child): Promise<Record<string, { n: number; mean: number }>> {
  const seen = c.lines.length;
  c.child.kill('SIGUSR2');
  for (let i = 0; i < 600; i++) {
    const l = c.lines.slice(seen).find((x) => 'eventLoopDelayMs' in x);
    if (l) return ((l as { stages?: Record<string, { n: number; mean: number }> }).stages ?? {});
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no stage table from the Cascade child');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [n, warm, targets] = process.argv.slice(2);
  const res = await run({ n: n ? Number(n) : undefined, warm: warm ? Number(warm) : undefined, only: targets?.split(',') });
  console.log(JSON.stringify(res, null, 2));
  const fmt = (x: number) => x.toLocaleString('en-US');
  for (const [k, v] of Object.entries(res.perRequest)) console.log(`${k.padEnd(16)} ${fmt(v).padStart(14)} instructions/request`);
  for (const [t, st] of Object.entries(res.stages)) {
    console.log(`stages, ${t}:`);
    for (const [k, v] of Object.entries(st)) console.log(`  ${k.padEnd(24)} ${fmt(v).padStart(12)}`);
  }
}
