// `npm run cascade -- simulate-bound --data FILE --small MODEL --medium MODEL --large MODEL
//   [--ratings 2000] [--target 0.6] [--draws 200] [--seed 1] [--score analyzer|length] [--json]`
// How close can *any* tuner get to the optimum of `simulate` after N ratings? Two oracles that know far
// more than a tuner, judged by simulate's own measure (cost and success of the chosen thresholds on
// every recorded outcome of the file):
//  - subsample oracle: sees the outcomes of all three tiers on N random prompts (3N outcomes, where N
//    ratings give N) and picks the cheapest thresholds meeting the target on them;
//  - level oracle: knows the file's exact cost/success frontier and misses only the success level, by
//    the sampling error of N ratings (normal, sd sqrt(t (1 − t) / N · (1 − N / rows))).
// Plus the frontier itself around the target: how much cost a small change of success is worth.
import { parseArgs } from 'node:util';
import { evaluate, optimizeThresholds, uniformGrid, type OptimizeItem } from '../../server/tuning/optimize';
import { createRng, shuffled } from '../../server/tuning/rng';
import { loadSimulationData, SimDataError } from '../../server/tuning/sim-data';
import { optimumOf } from '../../server/tuning/simulation';
import { summarizeRuns, type RunOutcome } from '../../server/tuning/sim-summary';

export const description = 'what any tuner could reach after N ratings: oracle bounds for `simulate` on an outcome file';

const USAGE = 'usage: simulate-bound --data FILE --small MODEL --medium MODEL --large MODEL [--ratings 2000] [--target 0.6] [--draws 200] [--seed 1] [--score analyzer|length] [--json]';

function gaussian(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export async function run(argv: string[]): Promise<number> {
  const { values: o } = parseArgs({
    args: argv,
    options: Object.fromEntries(['data', 'small', 'medium', 'large', 'ratings', 'target', 'draws', 'seed', 'score'].map((k) => [k, { type: 'string' as const }])),
    strict: false,
  });
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const [data, small, medium, large] = [str('data'), str('small'), str('medium'), str('large')];
  const n = Number(str('ratings') ?? 2000);
  const target = Number(str('target') ?? 0.6);
  const draws = Number(str('draws') ?? 200);
  const seed = Number(str('seed') ?? 1);
  const score = str('score') ?? 'analyzer';
  if (!data || !small || !medium || !large || !(n >= 1) || !(target > 0 && target < 1) || !(draws >= 1) || !Number.isFinite(seed) || (score !== 'analyzer' && score !== 'length')) {
    process.stderr.write(`simulate-bound: bad or missing options\n${USAGE}\n`);
    return 2;
  }
  let loaded;
  try {
    loaded = await loadSimulationData(data, { small, medium, large }, score, (line) => process.stderr.write(line.startsWith('\r') ? `\rsimulate-bound: ${line.slice(1)}` : `simulate-bound: ${line}`));
  } catch (e) {
    if (!(e instanceof SimDataError)) throw e;
    process.stderr.write(`simulate-bound: ${e.message}\n`);
    return e.exitCode;
  }
  const all: OptimizeItem[] = loaded.rows.map((r, i) => ({ score: loaded.assessments[i].score, cost: r.cost, success: r.score }));
  // The reference is simulate's optimum (every cut point); the oracles search a 0.001 grid, within
  // 0.3 % of the exact optimum on llmrouter.jsonl and fast enough for hundreds of draws.
  const grid = uniformGrid(0, 1, 0.001);
  const best = (items: readonly OptimizeItem[], t: number) => optimizeThresholds(items, { target: t, grid, minGap: 0.001 });
  const optimal = optimumOf(loaded.rows, loaded.assessments, target).exact;
  const outcome = (s: number, t1: number, t2: number): RunOutcome => {
    const e = evaluate(all, t1, t2);
    return { seed: s, final_cost: e.cost, final_success: e.success, cost_ratio: e.cost / optimal.cost };
  };

  const frontier = [-0.01, -0.005, -0.002, -0.001, 0, 0.001, 0.002, 0.005, 0.01].map((d) => {
    const f = best(all, target + d);
    return { success_target: Number((target + d).toFixed(4)), t1: f.t1, t2: f.t2, cost: f.cost, cost_ratio: Number((f.cost / optimal.cost).toFixed(4)) };
  });

  const rng = createRng(seed);
  const subsample: RunOutcome[] = [];
  for (let d = 0; d < draws; d++) {
    // Without replacement while the file is large enough (as the simulation's first pass is).
    const pick = n <= all.length ? shuffled(all, rng).slice(0, n) : Array.from({ length: n }, () => all[Math.floor(rng() * all.length)]);
    const f = best(pick, target);
    subsample.push(outcome(d, f.t1, f.t2));
  }
  const sd = Math.sqrt(((target * (1 - target)) / n) * Math.max(0, 1 - n / all.length));
  const level: RunOutcome[] = [];
  for (let d = 0; d < draws; d++) {
    const f = best(all, target + sd * gaussian(rng));
    level.push(outcome(d, f.t1, f.t2));
  }
  const out = {
    data,
    models: { small, medium, large },
    score_source: loaded.scoreSource,
    rows: all.length,
    ratings: n,
    target,
    draws,
    optimal: { t1: optimal.t1, t2: optimal.t2, cost: optimal.cost, success: optimal.success },
    frontier,
    subsample_oracle: summarizeRuns(subsample, target),
    level_oracle: { success_sd: Number(sd.toFixed(5)), ...summarizeRuns(level, target) },
  };
  if (str('json') !== undefined || argv.includes('--json')) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  else {
    const line = (name: string, s: ReturnType<typeof summarizeRuns>) =>
      `${name}: cost ratio median ${s.cost_ratio.median} range ${s.cost_ratio.min}..${s.cost_ratio.max}; success median ${s.final_success.median} range ${s.final_success.min}..${s.final_success.max}; ` +
      `cost within 5 % in ${s.cost_within_5pct}/${s.runs}, goal met strict ${s.goal_met_strict}/${s.runs}, within ±0.005 ${s.goal_met_within_0_005}/${s.runs}\n`;
    process.stdout.write(
      `optimal t1=${optimal.t1} t2=${optimal.t2} cost=${optimal.cost.toExponential(4)} success=${optimal.success.toFixed(4)}\n` +
        frontier.map((f) => `  success ≥ ${f.success_target}: cost ${f.cost.toExponential(3)} (${f.cost_ratio} × optimal)\n`).join('') +
        line('subsample oracle', out.subsample_oracle) +
        line(`level oracle (sd ${out.level_oracle.success_sd})`, out.level_oracle),
    );
  }
  return 0;
}
