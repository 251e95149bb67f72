// `npm run cascade -- simulate --data FILE --small MODEL --medium MODEL --large MODEL --ratings N
//   --target RATE --json [--noise P] [--rating-rate R] [--seed S] [--every K] [--exploration E]
//   [--estimator binned|isotonic|logistic] [--margin-z Z] [--deadband D] [--score analyzer|length]
//   [--second-rating-rate R] [--noise-prior P] [--seeds 1-10] [--oracle-bins N]`
// --oracle-bins is a diagnostic: the tuner is given the true success curves (every recorded outcome of
// the file, N score bins) instead of estimating them, which bounds what a better estimator could do.
// Closed-loop simulation of the auto-tuner on an outcome file (see server/tuning/simulation.ts).
import { parseArgs } from 'node:util';
import { defaultPolicy } from '../../server/routing/policy';
import { parseSeeds, summarizeRuns } from '../../server/tuning/sim-summary';
import { loadSimulationData, SimDataError } from '../../server/tuning/sim-data';
import { simulate, trueCurves } from '../../server/tuning/simulation';


export const description = 'closed-loop simulation of routing, ratings and the auto-tuner on an outcome file';

const USAGE =
  'usage: simulate --data FILE --small MODEL --medium MODEL --large MODEL [--ratings 2000] [--target 0.9] [--json]\n' +
  '                [--noise 0] [--rating-rate 1] [--seed 1] [--every 100] [--exploration E] [--min-samples N] [--max-step S]\n' +
  '                [--estimator binned|isotonic|logistic] [--margin-z Z] [--deadband D] [--score analyzer|length]\n' +
  '                [--second-rating-rate R] [--noise-prior P] [--seeds 1-10] [--oracle-bins N]';

function num(name: string, raw: string | undefined, fallback: number, lo: number, hi: number): number {
  if (raw === undefined) return fallback;
  const x = Number(raw);
  if (!Number.isFinite(x) || x < lo || x > hi) throw new Error(`--${name} must be a number in [${lo}, ${hi}], got "${raw}"`);
  return x;
}

export async function run(argv: string[]): Promise<number> {
  const fail = (msg: string) => {
    process.stderr.write(`simulate: ${msg}\n${USAGE}\n`);
    return 2;
  };
  let o;
  try {
    o = parseArgs({
      args: argv,
      options: Object.fromEntries(
        ['data', 'small', 'medium', 'large', 'ratings', 'target', 'noise', 'rating-rate', 'seed', 'every', 'exploration', 'min-samples', 'max-step', 'estimator', 'score', 'margin-z', 'deadband', 'second-rating-rate', 'noise-prior', 'seeds', 'oracle-bins'].map((k) => [k, { type: 'string' as const }]),
      ),
      strict: false,
    }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
  const json = argv.includes('--json');
  const [data, small, medium, large] = [str('data'), str('small'), str('medium'), str('large')];
  if (!data || !small || !medium || !large) return fail('--data, --small, --medium and --large are required');
  const policy = defaultPolicy();
  let opts;
  let seeds: number[] | null = null;
  try {
    const estimator = str('estimator') ?? 'binned';
    if (estimator !== 'binned' && estimator !== 'isotonic' && estimator !== 'logistic') throw new Error(`--estimator must be binned, isotonic or logistic, got "${estimator}"`);
    const scoreSource = str('score') ?? 'analyzer';
    if (scoreSource !== 'analyzer' && scoreSource !== 'length') throw new Error(`--score must be analyzer or length, got "${scoreSource}"`);
    opts = {
      ratings: Math.round(num('ratings', str('ratings'), 2000, 1, 1e7)),
      target: num('target', str('target'), policy.tuner.target, 0, 1),
      noise: num('noise', str('noise'), 0, 0, 0.5),
      ratingRate: num('rating-rate', str('rating-rate'), 1, 1e-4, 1),
      seed: Math.round(num('seed', str('seed'), 1, 0, 2 ** 32 - 1)),
      every: Math.round(num('every', str('every'), 100, 1, 1e7)),
      exploration: num('exploration', str('exploration'), policy.tuner.exploration, 0, 0.2),
      minSamples: Math.round(num('min-samples', str('min-samples'), policy.tuner.minSamples, 1, 1e7)),
      maxStep: num('max-step', str('max-step'), policy.tuner.maxStep, 0, 1),
      estimator: estimator as 'binned' | 'isotonic' | 'logistic',
      marginZ: num('margin-z', str('margin-z'), 0, 0, 5),
      deadband: num('deadband', str('deadband'), 0, 0, 0.5),
      secondRatingRate: num('second-rating-rate', str('second-rating-rate'), 0, 0, 1),
      noisePrior: str('noise-prior') === undefined ? null : num('noise-prior', str('noise-prior'), 0, 0, 0.45),
      oracleBins: str('oracle-bins') === undefined ? null : Math.round(num('oracle-bins', str('oracle-bins'), 20, 1, 1000)),
      scoreSource,
    };
    seeds = str('seeds') === undefined ? null : parseSeeds(str('seeds')!);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  let loaded;
  try {
    loaded = await loadSimulationData(data, { small, medium, large }, opts.scoreSource as 'analyzer' | 'length', (line) => process.stderr.write(line.startsWith('\r') ? `\rsimulate: ${line.slice(1)}` : `simulate: ${line}`));
  } catch (e) {
    if (!(e instanceof SimDataError)) throw e;
    process.stderr.write(`simulate: ${e.message}\n`);
    return e.exitCode;
  }
  const { rows, assessments, scoreSource, skipped } = loaded;

  const model = opts.oracleBins === null ? undefined : trueCurves(rows, assessments, opts.oracleBins);
  const config = { ...policy.tuner, target: opts.target, exploration: opts.exploration, minSamples: opts.minSamples, maxStep: opts.maxStep };
  const runSeed = (seed: number, progress: boolean) =>
    simulate(rows, assessments, {
      policy,
      config,
      ratings: opts.ratings,
      noise: opts.noise,
      ratingRate: opts.ratingRate,
      seed,
      every: opts.every,
      estimator: { method: opts.estimator },
      model,
      marginZ: opts.marginZ,
      deadband: opts.deadband,
      secondRatingRate: opts.secondRatingRate,
      noisePrior: opts.noisePrior === null ? undefined : { noise: opts.noisePrior },
      onProgress: progress
        ? (p) =>
            process.stderr.write(
              `\rsimulate: ${p.ratings}/${opts.ratings} ratings  t1=${p.thresholds.t1.toFixed(3)} t2=${p.thresholds.t2.toFixed(3)}  cost=${p.cost.toExponential(3)}  success=${p.success.toFixed(4)}   `,
            )
        : undefined,
    });
  if (seeds) {
    // Several seeds: per-run finals (no trajectories) and their spread.
    const runs = seeds.map((seed, k) => {
      const r = runSeed(seed, false);
      process.stderr.write(`\rsimulate: seed ${seed} (${k + 1}/${seeds!.length}) success=${r.final_success.toFixed(4)} cost ratio=${r.cost_ratio.toFixed(3)}   `);
      return { seed, final_thresholds: r.final_thresholds, final_cost: r.final_cost, final_success: r.final_success, cost_ratio: r.cost_ratio, estimated_noise: r.estimated_noise, full: r };
    });
    process.stderr.write('\n');
    const first = runs[0].full;
    const out = {
      data, models: { small, medium, large }, score_source: scoreSource, skipped, ...opts, seeds,
      optimal_thresholds: first.optimal_thresholds, optimal_cost: first.optimal_cost, optimal_success: first.optimal_success,
      summary: summarizeRuns(runs, opts.target),
      runs: runs.map(({ full: _full, ...r }) => r),
    };
    if (json) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    else {
      const s = out.summary;
      process.stdout.write(
        `${s.runs} seeds; optimal cost ${out.optimal_cost} (t1=${out.optimal_thresholds.t1} t2=${out.optimal_thresholds.t2})\n` +
          `cost ratio    mean ${s.cost_ratio.mean} median ${s.cost_ratio.median} range ${s.cost_ratio.min}..${s.cost_ratio.max}\n` +
          `final success mean ${s.final_success.mean} median ${s.final_success.median} range ${s.final_success.min}..${s.final_success.max}\n` +
          `cost within 5 %: ${s.cost_within_5pct}; goal met (strict): ${s.goal_met_strict}; goal met (success within ±0.005): ${s.goal_met_within_0_005}\n`,
      );
    }
    return 0;
  }
  const result = runSeed(opts.seed, true);
  process.stderr.write('\n');
  const out = { data, models: { small, medium, large }, score_source: scoreSource, skipped, ...opts, ...result };
  if (json) {
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  } else {
    process.stdout.write(
      `final   t1=${result.final_thresholds.t1} t2=${result.final_thresholds.t2}  cost=${result.final_cost}  success=${result.final_success}\n` +
        `optimal t1=${result.optimal_thresholds.t1} t2=${result.optimal_thresholds.t2}  cost=${result.optimal_cost}  success=${result.optimal_success}\n` +
        `cost ratio ${result.cost_ratio}\n`,
    );
  }
  return 0;
}
