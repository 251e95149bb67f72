// Embedding cost per query of the two built-in embedders, as the cache calls them (one prompt per
// lookup): the lexical `local` one and the `use-lite` sentence model (TensorFlow.js wasm). Also the
// model load (wall, CPU, RSS added) and the per-text cost in batches of 16 and for long prompts.
// Prompts: every distinct prompt of data/cache-pairs (real question lengths, ~8-15 tokens).
// CPU time is process.cpuUsage around each call (all threads), reported beside wall time because
// the machine is shared; the 1-minute load average is in every row.
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { BenchSuite, BenchRow } from './index';
import { LocalEmbedder } from '../server/embedding/local';
import type { Embedder } from '../server/embedding/types';
import { UseLiteEmbedder } from '../server/embedding/use-lite/index';

const QUERIES = 400;
const WARMUP = 20;

function prompts(): string[] {
  const dir = 'data/cache-pairs';
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => readFileSync(`${dir}/${f}`, 'utf8').split('\n').filter(Boolean))
    .flatMap((l) => {
      const j = JSON.parse(l) as { a: string; b: string };
      return [j.a, j.b];
    });
  return [...new Set(all)];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const load1 = () => Number(loadavg()[0].toFixed(2));

async function perQuery(e: Embedder, texts: string[]): Promise<{ wall: number[]; cpu: number[] }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const t of texts) {
    const w0 = performance.now();
    const c0 = process.cpuUsage();
    await e.embed([t]);
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - w0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall, cpu };
}

const suite: BenchSuite = {
  name: 'embed',
  async run() {
    const all = prompts();
    const texts = all.slice(0, QUERIES);
    const long = Array.from({ length: 20 }, (_, i) => all.slice(i * 20, i * 20 + 40).join(' ')); // ~2,000 chars each
    const rows: BenchRow[] = [];
    const row = (embedder: string, what: string, wall: number[], cpu: number[], extra: BenchRow = {}) =>
      rows.push({ embedder, what, n: wall.length, load1: load1(), 'wall p50 ms': pct(wall, 50), 'wall p99 ms': pct(wall, 99), 'cpu p50 ms': pct(cpu, 50), 'cpu p99 ms': pct(cpu, 99), 'cpu mean ms': cpu.reduce((s, x) => s + x, 0) / cpu.length, ...extra });

    const local = new LocalEmbedder();
    await perQuery(local, texts.slice(0, WARMUP));
    const l = await perQuery(local, texts);
    row(local.id, 'one prompt per call', l.wall, l.cpu);

    const use = new UseLiteEmbedder();
    globalThis.gc?.();
    const rss0 = process.memoryUsage().rss;
    const info = await use.load();
    globalThis.gc?.();
    const rssAdded = (process.memoryUsage().rss - rss0) / 2 ** 20;
    rows.push({ embedder: use.id, what: `model load (${info.backend})`, n: 1, load1: load1(), 'wall p50 ms': info.loadMs, 'cpu p50 ms': info.loadCpuMs, 'rss added MiB': rssAdded });
    // load() already ran one warm-up execution; the first real one is measured apart all the same.
    const first = await perQuery(use, texts.slice(0, 1));
    rows.push({ embedder: use.id, what: 'first embed after load', n: 1, load1: load1(), 'wall p50 ms': first.wall[0], 'cpu p50 ms': first.cpu[0] });
    await perQuery(use, texts.slice(1, WARMUP));
    const u = await perQuery(use, texts);
    row(use.id, 'one prompt per call', u.wall, u.cpu, { 'rss after MiB': process.memoryUsage().rss / 2 ** 20 });

    // Batches of 16 (store at start re-embeds rows of another dimension in batches).
    const bw: number[] = [];
    const bc: number[] = [];
    for (let i = 0; i + 16 <= texts.length; i += 16) {
      const w0 = performance.now();
      const c0 = process.cpuUsage();
      await use.embed(texts.slice(i, i + 16));
      const c = process.cpuUsage(c0);
      bw.push((performance.now() - w0) / 16);
      bc.push((c.user + c.system) / 1000 / 16);
    }
    row(use.id, 'batch of 16, per text', bw, bc);
    const lo = await perQuery(use, long);
    row(use.id, `long prompt (~${Math.round(long[0].length / 100) * 100} chars, 256-token cap)`, lo.wall, lo.cpu);
    const ll = await perQuery(local, long);
    row(local.id, 'long prompt', ll.wall, ll.cpu);
    await use.close();
    return { rows, summary: { prompts: texts.length, loadavg: loadavg() } };
  },
};

export default suite;
