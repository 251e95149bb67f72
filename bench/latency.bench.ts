// What a router adds to one LLM call, measured side by side in one run: the direct call to a fake
// upstream, a bare node:http + undici proxy (the floor), Cascade (cache miss: auth, parse, assess,
// decide, cache lookup, tier call, record; and cache hit) and the Portkey gateway, each its own
// process on loopback with keep-alive on every hop. This process is the load generator.
//  1. Sequential and interleaved (lib/sequential.ts): one request at a time, the targets taking
//     turns, at 0 ms and 20 ms upstream latency, JSON and streamed; added latency p50 / p99 over the
//     direct call (streams: added time to first token and to last token), each as a ratio to the
//     bare proxy's and to Portkey's added figure from the same run.
//  2. CPU per request at fixed, evenly paced rates, from each server's own process.cpuUsage()
//     (lib/cpu-ipc.mjs over IPC): bare proxy, Cascade miss, Cascade hit, Portkey.
// Flags (after `npm run bench -- latency`): --quick (~1 minute), --rounds=N, --cpu-seconds=S,
// --rates=100,500. Instruction counts (callgrind) are a separate, slow mode: bench/lib/instructions.ts.
import { loadavg } from 'node:os';
import type { BenchRow, BenchSuite } from './index';
import { benchDatabase } from './lib/database';
import { runPaced, type LoadTarget } from './lib/load';
import { processCpu, startPortkey, startTsChild, type Child } from './lib/processes';
import { templatedPrompt } from './lib/queries';
import { p, runSequential, type SeqResult, type SeqTarget } from './lib/sequential';

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}`));
const num = (name: string, dflt: number) => {
  const f = flag(name);
  const v = f?.includes('=') ? Number(f.split('=')[1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : dflt;
};
const QUICK = Boolean(flag('quick'));
const ROUNDS = num('rounds', QUICK ? 150 : 1000);
const CPU_SECONDS = num('cpu-seconds', QUICK ? 2 : 4);
const RATES = (flag('rates')?.split('=')[1] ?? (QUICK ? '500' : '100,500')).split(',').map(Number).filter((x) => x > 0);
const LATENCIES = [0, 20];
// Streams: fewer rounds at 20 ms (each request waits for the upstream), the same interleaving.
const STREAM_ROUNDS = Math.max(50, Math.round(ROUNDS / 2));

const r2 = (x: number) => (Number.isFinite(x) ? Number(x.toFixed(3)) : null);
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? Number((a / b).toFixed(2)) : null);
// Fixed prompts for the hit target: stored once in the warm-up, then every request is a hit.
const HIT_PROMPTS = ['What is the capital of France?', 'Write a haiku about autumn leaves.', 'What does HTTP status 404 mean?', 'How many days are there in a leap year?'];

const suite: BenchSuite = {
  name: 'latency: added by bare proxy, Cascade and Portkey over the direct call (sequential, interleaved) + CPU per request at fixed rates',
  async run() {
    if (flag('instructions')) return instructionRows();
    const loads: number[] = [];
    const sampler = setInterval(() => loads.push(loadavg()[0]), 1000);
    const load0 = loadavg();
    const db = await benchDatabase();
    const children: Child[] = [];
    let portkey: Awaited<ReturnType<typeof startPortkey>> = null;
    try {
      const up = await startTsChild('fake-upstream.ts', ['0'], [], 120_000, { ipc: true });
      children.push(up);
      const upUrl = String(up.info.url);
      const bare = await startTsChild('bare-proxy.ts', [upUrl], [], 120_000, { ipc: true });
      children.push(bare);
      const cascade = await startTsChild('cascade-server.ts', [`${upUrl}/v1`, ...(db.url ? [db.url] : [])], [], 180_000, { ipc: true });
      children.push(cascade);
      portkey = await startPortkey({ ipc: true });

      let runNo = 0;
      const body = (model: string) => (i: number, stream: boolean) => JSON.stringify({ model, messages: [{ role: 'user', content: templatedPrompt(runNo * 1_000_000 + i) }], ...(stream ? { stream: true } : {}) });
      const hitBody = (i: number, stream: boolean) => JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: HIT_PROMPTS[i % HIT_PROMPTS.length] }], ...(stream ? { stream: true } : {}) });
      const cascadeAuth = { authorization: `Bearer ${String(cascade.info.key)}` };
      const direct: SeqTarget = { label: 'direct', origin: upUrl, path: '/v1/chat/completions', headers: {}, body: body('fake-model') };
      const bareT: SeqTarget = { label: 'bare proxy', origin: String(bare.info.url), path: '/v1/chat/completions', headers: {}, body: body('fake-model') };
      const miss: SeqTarget = { label: 'cascade miss', origin: String(cascade.info.url), path: '/api/v1/chat/completions', headers: cascadeAuth, body: body('auto') };
      const hit: SeqTarget = { label: 'cascade hit', origin: String(cascade.info.url), path: '/api/v1/chat/completions', headers: cascadeAuth, body: hitBody };
      const pk: SeqTarget | null = portkey
        ? { label: 'portkey', origin: portkey.url, path: '/v1/chat/completions', headers: { authorization: 'Bearer sk-bench', 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upUrl}/v1` }, body: body('fake-model') }
        : null;
      const setLatency = async (ms: number) => {
        const res = await fetch(`${upUrl}/__latency/${ms}`, { method: 'POST' });
        if (res.status !== 204) throw new Error(`fake upstream refused latency ${ms}: ${res.status}`);
      };

      // Warm-up: JIT, ONNX, pools, and the hit prompts stored (the store runs after the answer).
      await setLatency(0);
      runNo = 99;
      const all = [direct, bareT, miss, hit, ...(pk ? [pk] : [])];
      await runSequential(all, 150, { stream: false, offset: 0 });
      const warmStream = await runSequential([direct, bareT, miss, ...(pk ? [pk] : [])], 30, { stream: true, offset: 500 });
      // @portkey-ai/gateway 1.x on Node answers streamed chat completions from a custom host with a
      // 500 (it appends headers to the upstream fetch Response, whose headers are immutable): when
      // it does, its stream rows are left out rather than filled with failures.
      const pkStreams = pk !== null && warmStream.get('portkey')!.n > 0;
      const streamTargets = [direct, bareT, miss, ...(pk && pkStreams ? [pk] : [])];
      const check = await fetch(`${miss.origin}${miss.path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...cascadeAuth }, body: hitBody(0, false) });
      await check.text();
      if (check.headers.get('x-cascade-cache') !== 'hit') throw new Error(`cascade hit target is not answered from the cache (x-cascade-cache: ${check.headers.get('x-cascade-cache')})`);

      const rows: BenchRow[] = [];
      const summary: Record<string, unknown> = {};
      const addRows = (name: string, res: Map<string, SeqResult>, metric: 'total' | 'first') => {
        const d = res.get('direct')!;
        const added = (label: string, q: number) => p(res.get(label)![metric], q) - p(d[metric], q);
        const out: Record<string, unknown> = {};
        for (const [label, r] of res) {
          if (label === 'direct') {
            rows.push({ run: name, target: label, n: r.n, failed: r.failed, p50_ms: r2(p(r[metric], 50)), p99_ms: r2(p(r[metric], 99)) });
            continue;
          }
          const a50 = added(label, 50);
          const a99 = added(label, 99);
          const row: BenchRow = {
            run: name,
            target: label,
            n: r.n,
            failed: r.failed,
            p50_ms: r2(p(r[metric], 50)),
            p99_ms: r2(p(r[metric], 99)),
            added_p50_ms: r2(a50),
            added_p99_ms: r2(a99),
            p50_x_bare: res.has('bare proxy') ? ratio(a50, added('bare proxy', 50)) : null,
            p99_x_bare: res.has('bare proxy') ? ratio(a99, added('bare proxy', 99)) : null,
            p50_x_portkey: res.has('portkey') ? ratio(a50, added('portkey', 50)) : null,
            p99_x_portkey: res.has('portkey') ? ratio(a99, added('portkey', 99)) : null,
          };
          rows.push(row);
          out[label] = row;
        }
        summary[name] = out;
      };
      for (const latency of LATENCIES) {
        await setLatency(latency);
        runNo++;
        const json = await runSequential([direct, bareT, miss, ...(latency === 0 ? [hit] : []), ...(pk ? [pk] : [])], ROUNDS, { stream: false, offset: 0 });
        addRows(`json ${latency} ms`, json, 'total');
        runNo++;
        const streamed = await runSequential(streamTargets, latency === 0 ? ROUNDS : STREAM_ROUNDS, { stream: true, offset: 0 });
        addRows(`stream ${latency} ms: first token`, streamed, 'first');
        addRows(`stream ${latency} ms: last token`, streamed, 'total');
      }

      // CPU per request at evenly paced rates (20 ms upstream, as a real call), each server's own counters.
      await setLatency(20);
      const cpu: Record<string, Record<string, number | null>> = {};
      const loadTarget = (t: SeqTarget): LoadTarget => ({ label: t.label, url: t.origin, path: t.path, headers: t.headers, body: (i) => t.body(i, false) });
      const servers: [SeqTarget, Child['child']][] = [[bareT, bare.child], [miss, cascade.child], [hit, cascade.child], ...(pk && portkey ? [[pk, portkey.child] as [SeqTarget, Child['child']]] : [])];
      for (const rate of RATES) {
        runNo++;
        const byLabel: Record<string, number | null> = {};
        for (const [t, child] of servers) {
          const c0 = await processCpu(child);
          const r = await runPaced(loadTarget(t), { rate, seconds: CPU_SECONDS, connections: 32 });
          const c1 = await processCpu(child);
          const perReq = r.ok > 0 ? (c1.ms - c0.ms) / r.ok : Number.NaN;
          byLabel[t.label] = r2(perReq);
          rows.push({ run: `cpu at ${rate} req/s`, target: t.label, n: r.ok, failed: r.failed, cpu_ms_per_req: r2(perReq), achieved_rps: r2(r.rps), rss_mb: r2(c1.rss / 2 ** 20) });
        }
        for (const row of rows.filter((x) => x.run === `cpu at ${rate} req/s`)) {
          row.cpu_x_bare = ratio(Number(row.cpu_ms_per_req), Number(byLabel['bare proxy']));
          row.cpu_x_portkey = byLabel.portkey ? ratio(Number(row.cpu_ms_per_req), Number(byLabel.portkey)) : null;
        }
        cpu[rate] = byLabel;
      }
      clearInterval(sampler);
      process.stdout.write(`load average (1 min) during the run: mean ${r2(loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length))}, max ${r2(Math.max(...loads))}; before ${load0.map((x) => x.toFixed(2)).join(' ')}, after ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`);
      const jsonMiss = (summary['json 0 ms'] as Record<string, BenchRow>)['cascade miss'];
      const ttft = (summary['stream 0 ms: first token'] as Record<string, BenchRow>)['cascade miss'];
      const le = (v: unknown, max: number) => (typeof v === 'number' ? v <= max : null);
      return {
        rows,
        summary: {
          ...summary,
          cpuMsPerRequest: cpu,
          rounds: ROUNDS,
          streamRounds20ms: STREAM_ROUNDS,
          cpuSecondsPerRate: CPU_SECONDS,
          database: db.kind,
          portkey: Boolean(portkey),
          portkeyStreams: pkStreams,
          loadAverage: { before: load0.map((x) => r2(x)), after: loadavg().map((x) => r2(x)), during1mMean: r2(loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length)), during1mMax: r2(Math.max(...loads)) },
          goals: {
            missP50LE2xBare: le(jsonMiss.p50_x_bare, 2),
            missP50LEHalfPortkey: le(jsonMiss.p50_x_portkey, 0.5),
            missP99LEHalfPortkey: le(jsonMiss.p99_x_portkey, 0.5),
            ttftP50LE2xBare: le(ttft.p50_x_bare, 2),
            ttftP50LEHalfPortkey: le(ttft.p50_x_portkey, 0.5),
            cpuMissLE1_5xBareAt500: cpu[500] ? le(ratio(Number(cpu[500]['cascade miss']), Number(cpu[500]['bare proxy'])), 1.5) : null,
            cpuHitLE0_7xBareAt500: cpu[500] ? le(ratio(Number(cpu[500]['cascade hit']), Number(cpu[500]['bare proxy'])), 0.7) : null,
          },
          note: 'added = percentile of the target minus the same percentile of the direct call in the same interleaved run; x_bare / x_portkey = that added figure over the bare proxy\'s / Portkey\'s; cpu = the server process\'s own process.cpuUsage() delta per answered request (all its threads); cascade hit at 20 ms skips the upstream wait, so it is left out of the 20 ms rows',
        },
      };
    } finally {
      clearInterval(sampler);
      for (const c of children.reverse()) await c.stop();
      await portkey?.stop();
      await db.drop();
    }
  },
};

/** `--instructions`: callgrind's instructions per request and per Cascade stage (slow: minutes). */
async function instructionRows(): Promise<{ rows: BenchRow[]; summary: Record<string, unknown> }> {
  const { run } = await import('./lib/instructions');
  const res = await run({ n: num('n', 200), warm: num('warm', 200) });
  const bare = res.perRequest['bare proxy'];
  const rows: BenchRow[] = Object.entries(res.perRequest).map(([target, ir]) => ({ run: 'instructions / request', target, instructions: ir, x_bare: bare ? ratio(ir, bare) : null }));
  for (const [target, stages] of Object.entries(res.stages)) {
    for (const [stage, ir] of Object.entries(stages)) rows.push({ run: `stage (${target})`, target: stage, instructions: ir, x_bare: null });
  }
  return { rows, summary: { ...res, loadAverage: loadavg().map((x) => r2(x)), note: 'callgrind Ir of the whole server process (all threads) per request, from windows of n and 2n sequential requests at 0 ms upstream; stages: CASCADE_TRACE_STAGES=cpu shares scaled to the traced window\'s instructions' } };
}

export default suite;
