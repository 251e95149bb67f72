// `npm run cascade -- simulate --data FILE --small MODEL --medium MODEL --large MODEL --ratings N
//   --target RATE --json [--noise P] [--rating-rate R] [--seed S] [--every K] [--exploration E]
//   [--estimator binned|isotonic|logistic] [--margin-z Z] [--score analyzer|length]`
// Closed-loop simulation of the auto-tuner on an outcome file (see server/tuning/simulation.ts).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Assessment } from '../../server/complexity/types';
import { loadAnalyzer } from '../../server/routing/eval/analyzer';
import { parseOutcomes, selectRows } from '../../server/routing/eval/run';
import { defaultPolicy } from '../../server/routing/policy';
import { assessmentFromScore, simulate, type SimRow } from '../../server/tuning/simulation';

export const description = 'closed-loop simulation of routing, ratings and the auto-tuner on an outcome file';

const USAGE =
  'usage: simulate --data FILE --small MODEL --medium MODEL --large MODEL [--ratings 2000] [--target 0.9] [--json]\n' +
  '                [--noise 0] [--rating-rate 1] [--seed 1] [--every 100] [--exploration E] [--min-samples N] [--max-step S]\n' +
  '                [--estimator binned|isotonic|logistic] [--margin-z Z] [--score analyzer|length]';

function num(name: string, raw: string | undefined, fallback: number, lo: number, hi: number): number {
  if (raw === undefined) return fallback;
  const x = Number(raw);
  if (!Number.isFinite(x) || x < lo || x > hi) throw new Error(`--${name} must be a number in [${lo}, ${hi}], got "${raw}"`);
  return x;
}

/** Stand-in score when the analyzer is unavailable or not wanted: log prompt length, 8k chars = 1. */
export function lengthScore(prompt: string): number {
  return Math.min(1, Math.log1p(prompt.length) / Math.log1p(8000));
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
        ['data', 'small', 'medium', 'large', 'ratings', 'target', 'noise', 'rating-rate', 'seed', 'every', 'exploration', 'min-samples', 'max-step', 'estimator', 'score', 'margin-z'].map((k) => [k, { type: 'string' as const }]),
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
      scoreSource,
    };
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  let text: string;
  try {
    text = readFileSync(data, 'utf8');
  } catch (e) {
    process.stderr.write(`simulate: cannot read ${data}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const { lines, errors } = parseOutcomes(text);
  if (errors.length > 0) process.stderr.write(`simulate: ${errors.length} bad lines skipped (first: ${errors[0]})\n`);
  const { rows: evalRows, skipped } = selectRows(lines, { small, medium, large }, null);
  if (evalRows.length === 0) {
    process.stderr.write(`simulate: no rows with outcomes for all of ${small}, ${medium}, ${large}\n`);
    return 1;
  }
  const rows: SimRow[] = evalRows.map((r) => ({ prompt: r.prompt, score: [r.small.score, r.medium.score, r.large.score], cost: [r.small.cost, r.medium.cost, r.large.cost] }));

  // Scores are computed once per prompt: the analyzer is deterministic and the replay revisits prompts.
  const assessments: Assessment[] = [];
  let scoreSource = 'length';
  let analyzer = null;
  if (opts.scoreSource === 'analyzer') {
    try {
      analyzer = await loadAnalyzer();
    } catch (e) {
      // Keep the command usable before the analyzer lands; the output names the score actually used.
      process.stderr.write(`simulate: ${e instanceof Error ? e.message : String(e)}; using the prompt-length stand-in score\n`);
    }
  }
  if (analyzer) {
    scoreSource = `analyzer ${analyzer.modelVersion}`;
    for (const [i, r] of rows.entries()) {
      assessments.push(await analyzer.assess(r.prompt));
      if ((i + 1) % 500 === 0 || i + 1 === rows.length) process.stderr.write(`\rsimulate: assessed ${i + 1}/${rows.length}`);
    }
    process.stderr.write('\n');
  } else {
    for (const r of rows) assessments.push(assessmentFromScore(lengthScore(r.prompt)));
  }

  const config = { ...policy.tuner, target: opts.target, exploration: opts.exploration, minSamples: opts.minSamples, maxStep: opts.maxStep };
  const result = simulate(rows, assessments, {
    policy,
    config,
    ratings: opts.ratings,
    noise: opts.noise,
    ratingRate: opts.ratingRate,
    seed: opts.seed,
    every: opts.every,
    estimator: { method: opts.estimator },
    marginZ: opts.marginZ,
    onProgress: (p) =>
      process.stderr.write(
        `\rsimulate: ${p.ratings}/${opts.ratings} ratings  t1=${p.thresholds.t1.toFixed(3)} t2=${p.thresholds.t2.toFixed(3)}  cost=${p.cost.toExponential(3)}  success=${p.success.toFixed(4)}   `,
      ),
  });
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
