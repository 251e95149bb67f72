// Profiles Cascade's hot path under sustained load: starts the fake upstream and the bench's Cascade
// child (bench/lib/cascade-server.ts) with `node --cpu-prof`, drives it with autocannon at a fixed
// rate, stops it (the profile is written on exit) and prints the heaviest functions by self time.
// `node --import tsx bench/lib/profile-router.ts [rps=300] [seconds=15] [outDir=/tmp/cascade-prof]`
// with TEST_DATABASE_URL set (a fresh database is created and dropped, as in the router bench).
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchDatabase } from './database';
import { runLoad, warmUp } from './load';
import { startTsChild } from './processes';

const rate = Number(process.argv[2] ?? 300);
const seconds = Number(process.argv[3] ?? 15);
const outDir = process.argv[4] ?? '/tmp/cascade-prof';
mkdirSync(outDir, { recursive: true });

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const db = await benchDatabase();
const up = await startTsChild('fake-upstream.ts', ['20']);
const before = new Set(readdirSync(outDir));
const cascade = await startTsChild('cascade-server.ts', [`${String(up.info.url)}/v1`, ...(db.url ? [db.url] : [])], ['--cpu-prof', `--cpu-prof-dir=${outDir}`]);
try {
  let i = 0;
  const target = {
    label: 'cascade', url: String(cascade.info.url), path: '/api/v1/chat/completions',
    headers: { authorization: `Bearer ${String(cascade.info.key)}` },
    body: (n: number) => JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: `Explain what a hash table is in two sentences. (request ${n} ${i++})` }] }),
    pid: cascade.child.pid,
  };
  await warmUp(target, 100);
  const r = await runLoad(target, { rate, seconds, connections: Math.max(4, Math.ceil(rate / 20)) });
  console.log(JSON.stringify({ rate, achieved: r.rps, p50: r.p50, p99: r.p99, cpuMsPerRequest: r.cpuMsPerRequest, failed: r.failed }));
} finally {
  await cascade.stop();
  await up.stop();
  await db.drop();
}
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
