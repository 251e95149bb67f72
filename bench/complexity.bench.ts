// Complexity analyzer speed: single-query latency (p50/p99) for 10, 100 and 2,000-word queries,
// end to end (featurize + ONNX Runtime session.run, awaited) and split into its two parts; sequential
// throughput on one core; model size; load time. The machine may be shared: the load average at
// the start is recorded in the summary, and CPU time per query is reported next to wall-clock time,
// because on a loaded machine wall-clock p99 measures the scheduler rather than the code.
import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { DEFAULT_META_PATH, DEFAULT_MODEL_PATH } from '../server/complexity/artifact';
import { featurize } from '../server/complexity/featurize';
import { createAnalyzer, MemoryHistoryStore } from '../server/complexity';
import { mulberry32 } from '../server/complexity/hash';
import type { BenchRow, BenchSuite } from './index';
import { query } from './lib/queries';


function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Wall-clock ms per call, and process CPU ms per call (all threads: excludes time spent descheduled). */
async function timeIt(n: number, fn: (i: number) => unknown): Promise<number[] & { cpu: number[] }> {
  const ms: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return Object.assign(ms.sort((a, b) => a - b), { cpu: cpu.sort((a, b) => a - b) });
}

const suite: BenchSuite = {
  name: 'complexity',
  async run() {
    const load = loadavg()[0];
    const loadMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const a = await createAnalyzer();
      loadMs.push(performance.now() - t);
      await a.close();
    }
    const analyzer = await createAnalyzer();
    const params = analyzer.featureParams;
    const rows: BenchRow[] = [];
    for (const words of [10, 100, 2000]) {
      const texts = Array.from({ length: 32 }, (_, i) => query(words, words * 1000 + i));
      const n = words >= 2000 ? 300 : 3000;
      for (let i = 0; i < 200; i++) await analyzer.assess(texts[i % texts.length]);
      const total = await timeIt(n, (i) => analyzer.assess(texts[i % texts.length]));
      const feats = await timeIt(n, (i) => featurize(texts[i % texts.length], params));
      const f = texts.map((t) => featurize(t, params));
      const onnx = await timeIt(n, (i) => analyzer.classify([f[i % f.length]]));
      rows.push({
        words,
        'p50 ms': percentile(total, 50),
        'p99 ms': percentile(total, 99),
        'cpu p50 ms': percentile(total.cpu, 50),
        'cpu p99 ms': percentile(total.cpu, 99),
        'features p50': percentile(feats, 50),
        'features p99': percentile(feats, 99),
        'onnx run p50': percentile(onnx, 50),
        'onnx run p99': percentile(onnx, 99),
      });
    }
    // With a history store of 5,000 rated queries (all three tiers): the learned per-tier estimate
    // is what assess() consults then (history-model.ts), so this row is the hot path with history.
    const store = new MemoryHistoryStore(params);
    const rand = mulberry32(99);
    const buildCpu = process.cpuUsage();
    for (let i = 0; i < 5000; i++) {
      const ok = (p: number) => rand() < p;
      store.add(query(40 + (i % 60), 500_000 + i), [{ tier: 'small', success: ok(0.6) }, { tier: 'medium', success: ok(0.75) }, { tier: 'large', success: ok(0.88) }]);
    }
    const addCpuMs = process.cpuUsage(buildCpu);
    const fitCpu = process.cpuUsage();
    store.fit();
    const fitCpuMs = process.cpuUsage(fitCpu);
    const withHistory = await createAnalyzer({ history: store });
    const hTexts = Array.from({ length: 32 }, (_, i) => query(100, 900_000 + i));
    for (let i = 0; i < 200; i++) await withHistory.assess(hTexts[i % hTexts.length]);
    const hTotal = await timeIt(3000, (i) => withHistory.assess(hTexts[i % hTexts.length]));
    const hf = hTexts.map((t) => featurize(t, params));
    const hEst = await timeIt(3000, (i) => store.estimate(hf[i % hf.length]));
    rows.push({
      words: '100 + history (5,000 stored)',
      'p50 ms': percentile(hTotal, 50),
      'p99 ms': percentile(hTotal, 99),
      'cpu p50 ms': percentile(hTotal.cpu, 50),
      'cpu p99 ms': percentile(hTotal.cpu, 99),
      'history lookup p50': percentile(hEst, 50),
      'history lookup p99': percentile(hEst, 99),
    });
    rows.push({ words: 'history: 5,000 adds / fit, CPU ms', 'p50 ms': (addCpuMs.user + addCpuMs.system) / 1000, 'p99 ms': (fitCpuMs.user + fitCpuMs.system) / 1000 });
    await withHistory.close();
    // Throughput: back-to-back awaited assessments of 100-word queries on one thread (ORT uses 1 thread).
    const texts = Array.from({ length: 64 }, (_, i) => query(100, 77 + i));
    let done = 0;
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    while (performance.now() - started < 2000) await analyzer.assess(texts[done++ % texts.length]);
    const perSecond = done / ((performance.now() - started) / 1000);
    const cpuUsed = process.cpuUsage(cpu0);
    // Per CPU-second: what one fully available core would do (the wall-clock rate depends on load).
    const perCpuSecond = done / ((cpuUsed.user + cpuUsed.system) / 1e6);
    await analyzer.close();
    const modelBytes = statSync(DEFAULT_MODEL_PATH).size;
    const metaBytes = statSync(DEFAULT_META_PATH).size;
    loadMs.sort((a, b) => a - b);
    const summary = {
      loadAverageAtStart: load,
      loadMsMin: loadMs[0],
      loadMsMedian: loadMs[2],
      modelBytes,
      metaBytes,
      throughputWallClock100Words: Math.round(perSecond),
      throughputPerCpuSecond100Words: Math.round(perCpuSecond),
    };
    rows.push({ words: 'load ms (min / median of 5)', 'p50 ms': loadMs[0], 'p99 ms': loadMs[2] });
    rows.push({ words: 'model + meta MB', 'p50 ms': modelBytes / 1e6, 'p99 ms': (modelBytes + metaBytes) / 1e6 });
    rows.push({ words: 'queries/s wall (100 words)', 'p50 ms': Math.round(perSecond) });
    rows.push({ words: 'queries per CPU-second (100 words)', 'p50 ms': Math.round(perCpuSecond) });
    return { rows, summary };
  },
};

export default suite;
