// A/B of two analyzer versions in ONE process, so a loaded machine hits both alike: loads
// server/complexity from two checkouts (e.g. a worktree at the old commit and this tree), then
// alternates 300-call blocks of assess() and featurize() and prints the median process CPU per call.
// `node --import tsx bench/lib/ab-analyzer.ts /path/to/base-checkout /path/to/after-checkout`
// (each checkout needs its node_modules, e.g. a symlink to this tree's).
import { resolve } from 'node:path';
import { query } from './queries';

type Mod = { a: { assess(t: string): Promise<unknown>; featureParams: unknown }; featurize(t: string, p: unknown): unknown };
const [baseRoot, afterRoot] = process.argv.slice(2).map((p) => resolve(p));
if (!baseRoot || !afterRoot) {
  console.error('usage: ab-analyzer.ts BASE_CHECKOUT AFTER_CHECKOUT');
  process.exit(2);
}
async function load(root: string): Promise<Mod> {
  const { createAnalyzer } = (await import(`${root}/server/complexity/index.ts`)) as { createAnalyzer(): Promise<Mod['a']> };
  const { featurize } = (await import(`${root}/server/complexity/featurize.ts`)) as { featurize: Mod['featurize'] };
  return { a: await createAnalyzer(), featurize };
}
const mods: Record<'base' | 'after', Mod> = { base: await load(baseRoot), after: await load(afterRoot) };

// The complexity bench's 100-word queries (bench/lib/queries.ts) and the router bench's prompts.
const ROUTER = ['What is the capital of France?', 'Translate "good morning" into Spanish.', 'Write a haiku about autumn leaves.', 'Explain what a hash table is in two sentences.', 'Give me three name ideas for a bakery.', 'How many days are there in a leap year?', 'Summarize the plot of Romeo and Juliet briefly.', 'What does HTTP status 404 mean?'];
const sets: Record<string, string[]> = {
  'router-bench prompts': Array.from({ length: 64 }, (_, i) => `${ROUTER[i % 8]} (request ${i * 7919})`),
  '100 words': Array.from({ length: 32 }, (_, i) => query(100, 100 * 1000 + i)),
};
const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
for (const [name, texts] of Object.entries(sets)) {
  for (const op of ['assess', 'featurize'] as const) {
    const cpu: Record<'base' | 'after', number[]> = { base: [], after: [] };
    for (let round = 0; round < 30; round++) {
      for (const k of round % 2 ? (['after', 'base'] as const) : (['base', 'after'] as const)) {
        const m = mods[k];
        const n = 300;
        const c = process.cpuUsage();
        for (let i = 0; i < n; i++) {
          const t = texts[i % texts.length];
          if (op === 'assess') await m.a.assess(t);
          else m.featurize(t, m.a.featureParams);
        }
        const d = process.cpuUsage(c);
        if (round >= 4) cpu[k].push((d.user + d.system) / n); // the first rounds warm the JIT
      }
    }
    const b = median(cpu.base);
    const a = median(cpu.after);
    console.log(`${name.padEnd(22)} ${op.padEnd(10)} CPU µs/call, median of 26 blocks: base ${b.toFixed(1)}  after ${a.toFixed(1)}  (${((a / b - 1) * 100).toFixed(0)} %)`);
  }
}
process.exit(0);
