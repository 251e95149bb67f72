// `npm run bench`: runs every bench/*.bench.ts (or those named on the command line), prints one
// table per suite and writes bench/results/latest.json. Speed is measured here, never in tests.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpus } from 'node:os';

export interface BenchRow {
  [column: string]: string | number | null;
}
export interface BenchSuite {
  name: string;
  run(): Promise<{ rows: BenchRow[]; summary?: Record<string, unknown> }>;
}

const dir = dirname(fileURLToPath(import.meta.url));
// Arguments starting with -- are flags for the suites (e.g. `npm run bench -- latency --quick`).
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

function table(rows: BenchRow[]): string {
  if (rows.length === 0) return '(no rows)';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : String(v ?? ''));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
}

async function main() {
  const results: Record<string, unknown> = {};
  for (const f of files) {
    const suite = (await import(pathToFileURL(join(dir, f)).href)).default as BenchSuite;
    process.stdout.write(`\n== ${suite.name} (${f})\n`);
    const started = Date.now();
    const out = await suite.run();
    process.stdout.write(`${table(out.rows)}\n`);
    results[suite.name] = { ...out, seconds: (Date.now() - started) / 1000 };
  }
  mkdirSync(join(dir, 'results'), { recursive: true });
  const file = join(dir, 'results', 'latest.json');
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), cpus: cpus().length, node: process.version, results }, null, 2));
  process.stdout.write(`\nwrote ${file}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
