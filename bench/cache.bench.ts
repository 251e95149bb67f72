// Semantic cache speed and memory: insert rate, lookup p50/p99 at 10k and 100k entries (one scope,
// the worst case for a partitioned index), memory per entry. In-process MemoryCacheStore, local
// embedder: this measures the cache itself, not Postgres (whose writes happen on store, off the
// lookup path). Lookups mix exact repeats, reworded repeats (semantic path + verifier) and misses.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSuite } from './index';
import { createCache, LOCAL_EMBEDDER_THRESHOLD } from '../server/cache/index';
import { LocalEmbedder } from '../server/embedding/local';
import { templatedPrompt } from './lib/queries';

const SIZES = [10_000, 100_000];
const LOOKUPS = 2_000;

// Deterministic pseudo-random prompts: a small PRNG so runs are comparable.
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const rand = rng(42);
// 90 consonant-vowel syllables -> 5,000 pseudo-words: prompts about as lexically diverse as real ones.
const syll = [...'bcdfghjklmnprstvwz'].flatMap((c) => [...'aeiou'].map((v) => c + v));
const word = () => Array.from({ length: 2 + Math.floor(rand() * 3) }, () => syll[Math.floor(rand() * syll.length)]).join('');
const vocab = Array.from({ length: 5000 }, word);
const pick = () => vocab[Math.floor(rand() * vocab.length)];
const templates = [
  (a: string, b: string, c: string) => `What is the ${a} of the ${b} ${c}?`,
  (a: string, b: string, c: string) => `How do I ${a} a ${b} with ${c}?`,
  (a: string, b: string, c: string) => `Why does the ${a} ${b} when ${c} changes?`,
  (a: string, b: string, c: string) => `Explain how ${a} ${b} affects ${c}`,
];
const prompt = (i: number) => `${templates[i % templates.length](pick(), pick(), pick())} ${pick()} ${pick()}`;

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const ms3 = (x: number) => Number(x.toFixed(3));

/**
 * Wall and CPU time of each timed call, and the row fields they make. CPU time (process.cpuUsage)
 * next to wall time: on a shared machine wall time includes waiting for a core, CPU time is what
 * the lookup itself costs.
 */
function lookupTimer() {
  const lat: number[] = [];
  const cpuLat: number[] = [];
  return {
    async time<T>(f: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const value = await f();
      lat.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      const cpuMs = (c.user + c.system) / 1000;
      cpuLat.push(cpuMs);
      return { value, cpuMs };
    },
    fields() {
      lat.sort((a, b) => a - b);
      cpuLat.sort((a, b) => a - b);
      return {
        lookup_p50_ms: ms3(pct(lat, 50)),
        lookup_p99_ms: ms3(pct(lat, 99)),
        lookup_max_ms: ms3(lat[lat.length - 1]),
        lookup_cpu_mean_ms: ms3(cpuLat.reduce((x, y) => x + y, 0) / cpuLat.length),
        lookup_cpu_p50_ms: ms3(pct(cpuLat, 50)),
        lookup_cpu_p99_ms: ms3(pct(cpuLat, 99)),
      };
    },
  };
}

/**
 * The pseudo-word prompts above never meet the English word list or the WordNet table, so one
 * more row measures real English: every distinct first prompt of data/cache-pairs/*.jsonl stored,
 * every second prompt looked up twice (as written, and behind a politeness prefix so that the
 * verifier's facts are not memoised). Many are hits through the verifier: the expensive path.
 */
async function englishRow(): Promise<Record<string, number | string>> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'cache-pairs');
  const pairs = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.trim()))
    .map((l) => JSON.parse(l) as { a: string; b: string });
  const cache = await createCache({ embedder: new LocalEmbedder(), maxEntries: pairs.length * 2 + 1 });
  const scope = { tenant: 'bench-en', systemPrompt: '', params: '{}' };
  const firsts = [...new Set(pairs.map((p) => p.a))];
  for (const a of firsts) await cache.store({ prompt: a, scope, answer: 'answer', tierName: 'large', tierRank: 2, costUsd: 0.001, ttlSeconds: 0, decisionId: 'bench' });
  const queries = pairs.flatMap((p) => [p.b, `Could you please tell me: ${p.b}`]);
  const timer = lookupTimer();
  let hits = 0;
  const load0 = loadavg()[0];
  for (const q of queries) {
    if ((await timer.time(() => cache.lookup({ prompt: q, scope, minTierRank: 0, threshold: LOCAL_EMBEDDER_THRESHOLD }))).value) hits++;
  }
  await cache.close();
  return {
    entries: `${firsts.length} en`,
    ...timer.fields(),
    hit_rate: Number((hits / queries.length).toFixed(3)),
    load_avg_1m: Number(((load0 + loadavg()[0]) / 2).toFixed(1)),
  };
}

/**
 * Templated traffic as the router bench sends it: 8 everyday prompts + "(request N)", every lookup a
 * miss that is stored right after. Every stored prompt of a template shares all its words with the
 * new one and differs in the number, so all candidates clear the threshold and the verifier rejects
 * them (`number`); before the early-stopping term search the postings walk grew with the index here.
 */
async function templatedRows(): Promise<Array<Record<string, number | string>>> {
  const cache = await createCache({ embedder: new LocalEmbedder(), maxEntries: SIZES[SIZES.length - 1] + LOOKUPS + 1 });
  const scope = { tenant: 'bench-templated', systemPrompt: '', params: '{}' };
  const store = (prompt: string) => cache.store({ prompt, scope, answer: 'answer', tierName: 'large', tierRank: 2, costUsd: 0.001, ttlSeconds: 0, decisionId: 'bench' });
  const rows: Array<Record<string, number | string>> = [];
  let n = 0;
  for (const size of SIZES) {
    while (n < size) await store(templatedPrompt(n++));
    const timer = lookupTimer();
    let storeCpu = 0;
    let hits = 0;
    const load0 = loadavg()[0];
    for (let i = 0; i < LOOKUPS; i++) {
      const q = templatedPrompt(n++);
      if ((await timer.time(() => cache.lookup({ prompt: q, scope, minTierRank: 0, threshold: LOCAL_EMBEDDER_THRESHOLD }))).value) hits++;
      const s0 = process.cpuUsage();
      await store(q);
      const s = process.cpuUsage(s0);
      storeCpu += (s.user + s.system) / 1000;
    }
    rows.push({
      entries: `${size} templated`,
      ...timer.fields(),
      store_cpu_mean_ms: Number((storeCpu / LOOKUPS).toFixed(3)),
      hit_rate: Number((hits / LOOKUPS).toFixed(3)),
      load_avg_1m: Number(((load0 + loadavg()[0]) / 2).toFixed(1)),
    });
  }
  await cache.close();
  return rows;
}

const suite: BenchSuite = {
  name: 'cache',
  async run() {
    const embedder = new LocalEmbedder();
    const cache = await createCache({ embedder, maxEntries: SIZES[SIZES.length - 1] + 1 });
    const scope = { tenant: 'bench', systemPrompt: '', params: '{}' };
    const answer = 'A cached answer of typical length. '.repeat(6);
    const stored: string[] = [];
    const rows: Array<Record<string, number | string>> = [];
    const mem0 = process.memoryUsage();
    for (const size of SIZES) {
      const started = performance.now();
      const insertCpu0 = process.cpuUsage();
      const before = stored.length;
      while (stored.length < size) {
        const p = prompt(stored.length);
        stored.push(p);
        await cache.store({ prompt: p, scope, answer, tierName: 'large', tierRank: 2, costUsd: 0.001, ttlSeconds: 0, decisionId: 'bench' });
        if (stored.length % 10_000 === 0) process.stderr.write(`cache bench: ${stored.length} entries\n`);
      }
      const insertSec = (performance.now() - started) / 1000;
      const insertCpu = process.cpuUsage(insertCpu0);
      const insertCpuSec = (insertCpu.user + insertCpu.system) / 1e6;
      const mem = process.memoryUsage();
      const timer = lookupTimer();
      const cpuByKind = [0, 0, 0];
      let hits = 0;
      const load0 = loadavg()[0];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < LOOKUPS; i++) {
        const r = i % 3;
        const base = stored[Math.floor(rand() * stored.length)];
        const q = r === 0 ? base.toUpperCase() : r === 1 ? `Could you please tell me: ${base}` : prompt(size + i);
        const { value: hit, cpuMs } = await timer.time(() => cache.lookup({ prompt: q, scope, minTierRank: 0, threshold: LOCAL_EMBEDDER_THRESHOLD }));
        cpuByKind[r] += cpuMs;
        if (hit) hits++;
      }
      const cpuMs = process.cpuUsage(cpu0);
      const perKind = LOOKUPS / 3;
      rows.push({
        entries: size,
        insert_per_s: Math.round((size - before) / insertSec),
        insert_per_cpu_s: Math.round((size - before) / insertCpuSec),
        ...timer.fields(),
        // the whole loop's CPU, key selection included (as before), not the sum of timed calls
        lookup_cpu_mean_ms: ms3((cpuMs.user + cpuMs.system) / 1000 / LOOKUPS),
        cpu_exact_ms: Number((cpuByKind[0] / perKind).toFixed(3)),
        cpu_semantic_ms: Number((cpuByKind[1] / perKind).toFixed(3)),
        cpu_miss_ms: Number((cpuByKind[2] / perKind).toFixed(3)),
        hit_rate: Number((hits / LOOKUPS).toFixed(3)),
        rss_bytes_per_entry: Math.round((mem.rss - mem0.rss) / size),
        heap_bytes_per_entry: Math.round((mem.heapUsed - mem0.heapUsed) / size),
        load_avg_1m: Number(((load0 + loadavg()[0]) / 2).toFixed(1)),
      });
    }
    const stats = cache.stats();
    await cache.close();
    rows.push(await englishRow());
    rows.push(...(await templatedRows()));
    return { rows, summary: { embedder: embedder.id, dim: embedder.dim, lookups_per_size: LOOKUPS, stats } };
  },
};

export default suite;
