// Closed-loop simulation of routing + ratings + tuning over an outcome file. Every request goes
// through the server's own decide() with the current policy; the simulated tier answers with the
// recorded correctness of its model; a simulated user rates it; the tuner moves the thresholds every
// `every` ratings, exactly as the tuner service would, within the policy's guardrails.
import type { Assessment } from '../complexity/types';
import { decide, type TierState } from '../routing/decide';
import type { Policy } from '../routing/policy';
import { evalBinned, fitBinned } from './binned';
import type { EstimatorOptions, SuccessModel } from './estimate';
import { explorePlan } from './explore-plan';
import { agreementOf, estimateNoise, type NoisePrior } from './noise';
import { evaluate, optimizeThresholds, uniformGrid, type OptimizeItem, type OptimizeResult } from './optimize';
import { createRng, shuffled } from './rng';
import { tuneThresholds } from './tuner';
import type { PopulationItem, RatedObservation, Thresholds, TierIndex, TunerConfig } from './types';

export interface SimRow {
  prompt: string;
  /** Recorded correctness (0..1) and cost (USD) of the small, medium and large model. */
  score: readonly [number, number, number];
  cost: readonly [number, number, number];
}

export interface SimOptions {
  policy: Policy;
  config: TunerConfig;
  ratings: number;
  /** Probability that a simulated rating is flipped. */
  noise: number;
  /** Share of requests that get rated at all. */
  ratingRate: number;
  seed: number;
  every: number;
  estimator?: EstimatorOptions;
  /** Diagnostic: a fixed success model instead of estimating one from the ratings (see trueCurves). */
  model?: SuccessModel;
  marginZ?: number;
  /** Hysteresis of the tuner (see TuneInput.deadband). */
  deadband?: number;
  /**
   * Share of rated requests that a second, independent user rates too (each rating counts toward
   * `ratings`). The agreement of the two is what the tuner estimates the rater noise from.
   */
  secondRatingRate?: number;
  /** A configured prior on the rater flip probability (see noise.ts). */
  noisePrior?: NoisePrior;
  /** Correct for rater noise at all (default true; off reproduces an uncorrected tuner). */
  correctNoise?: boolean;
  onProgress?: (p: TrajectoryPoint) => void;
}

export interface TrajectoryPoint {
  ratings: number;
  requests: number;
  thresholds: Thresholds;
  /** Mean cost and success per request of the current thresholds on every row of the file. */
  cost: number;
  success: number;
  /** Share of ratings since the previous point that were thumbs up. */
  observed_success: number;
  /** The tuner's own estimate of `success` for these thresholds (null before it first ran). */
  estimated_success: number | null;
  changed: boolean;
}

const HEALTHY: TierState = { enabled: true, breaker: 'closed', queued: 0 };
const round = (x: number, d = 6) => Number(x.toFixed(d));

/** decide() needs an Assessment; the simulation only knows the score, so the rest is neutral. */
export function assessmentFromScore(score: number, full?: Assessment): Assessment {
  if (full) return full;
  const band = score < 0.25 ? 'simple' : score < 0.5 ? 'moderate' : score < 0.75 ? 'complex' : 'research';
  return {
    band,
    score,
    probs: { simple: 0, moderate: 0, complex: 0, research: 0, [band]: 1 },
    signals: { keywords: [], lengthBucket: 'short', tokens: 0, sentences: 0, questions: 0, numberedParts: 0, hasCode: false, hasMath: false, multiPart: false, language: 'und', contextShare: 0, topFeatures: [], truncated: false },
    modelVersion: 'simulation',
  };
}

const optima = new WeakMap<readonly Assessment[], { rows: readonly SimRow[]; byTarget: Map<number, { exact: OptimizeResult; grid: OptimizeResult }> }>();

/**
 * The cheapest thresholds meeting the target on every recorded outcome of the file. `exact` searches
 * every cut point of the scores (each distinct score, 0 and above 1): the minimum over all thresholds,
 * as the goal defines it. `grid` is restricted to the 0.005 grid the tuner moves on; it can cost a few
 * per cent more (llmrouter.jsonl at 0.6: 5.768e-5 against 5.515e-5). Cached per rows and target: the
 * exact search is O(distinct scores²) and the same for every seed.
 */
export function optimumOf(rows: readonly SimRow[], assessments: readonly Assessment[], target: number): { exact: OptimizeResult; grid: OptimizeResult } {
  let memo = optima.get(assessments);
  if (!memo || memo.rows !== rows) {
    memo = { rows, byTarget: new Map() };
    optima.set(assessments, memo);
  }
  const hit = memo.byTarget.get(target);
  if (hit) return hit;
  const all: OptimizeItem[] = rows.map((r, i) => ({ score: assessments[i].score, cost: r.cost, success: r.score }));
  const cuts = [...new Set(all.map((a) => a.score))].sort((a, b) => a - b);
  const exact = optimizeThresholds(all, { target, grid: [0, ...cuts, Math.max(1, cuts.at(-1) ?? 1) + 1e-6], minGap: 0 });
  const grid = optimizeThresholds(all, { target, grid: uniformGrid(0, 1, 0.005), minGap: 0.005 });
  const out = { exact, grid };
  memo.byTarget.set(target, out);
  return out;
}

/**
 * The true success curves of a file: every recorded outcome of every tier, averaged in `bins` score
 * bins (quantiles). Given to the tuner in place of its estimate, it shows what is left of the error
 * when the curves are known exactly (only the bins' resolution and the sampled traffic remain).
 */
export function trueCurves(rows: readonly SimRow[], assessments: readonly Assessment[], bins: number): SuccessModel {
  const obs = rows.flatMap((r, i) => ([0, 1, 2] as const).map((tier) => ({ score: assessments[i].score, tier, success: r.score[tier] })));
  const fit = fitBinned(obs, { bins, strength: 0 });
  const summary = ([0, 1, 2] as const).map((k) => ({ n: rows.length, rate: rows.reduce((s, r) => s + r.score[k], 0) / Math.max(1, rows.length), method: 'binned' as const }));
  return { predict: (tier, score) => evalBinned(fit, tier, score), summary: summary as SuccessModel['summary'] };
}

export function simulate(rows: readonly SimRow[], assessments: readonly Assessment[], opts: SimOptions) {
  if (rows.length === 0) throw new Error('no rows to simulate');
  if (rows.length !== assessments.length) throw new Error('one assessment per row is needed');
  const rng = createRng(opts.seed);
  const tierIndex: Record<string, TierIndex> = { [opts.policy.targets.small]: 0, [opts.policy.targets.medium]: 1, [opts.policy.targets.large]: 2 };
  const states = Object.fromEntries(Object.keys(tierIndex).map((n) => [n, HEALTHY]));
  // The outcome files have three models: the research band is answered by the large tier.
  let policy: Policy = {
    ...opts.policy,
    research: { ...opts.policy.research, enabled: false },
    rules: [],
    budgets: [],
    apiKeyOverrides: [],
    tuner: { ...opts.policy.tuner, ...opts.config, mode: 'auto' },
  };
  const all: OptimizeItem[] = rows.map((r, i) => ({ score: assessments[i].score, cost: r.cost, success: r.score }));
  const truth = (t: Thresholds) => evaluate(all, t.t1, t.t2);
  const ratings: RatedObservation[] = [];
  const population: PopulationItem[] = [];
  const trajectory: TrajectoryPoint[] = [];
  let requests = 0;
  let windowUp = 0;
  let windowN = 0;
  const point = (changed: boolean, estimated: number | null): TrajectoryPoint => {
    const t = policy.thresholds;
    const e = truth(t);
    return {
      ratings: ratings.length,
      requests,
      thresholds: { ...t },
      cost: round(e.cost, 9),
      success: round(e.success),
      observed_success: windowN ? round(windowUp / windowN) : 0,
      estimated_success: estimated === null ? null : round(estimated),
      changed,
    };
  };
  trajectory.push(point(false, null));
  const secondRate = opts.secondRatingRate ?? 0;
  const repeated: { up: number; down: number }[] = [];
  const correct = opts.correctNoise ?? true;
  let lastNoise: number | null = null;
  const tune = () => {
    const raterNoise = correct && (repeated.length > 0 || opts.noisePrior) ? estimateNoise(agreementOf(repeated), opts.noisePrior) : undefined;
    const r = tuneThresholds({ current: policy.thresholds, config: opts.config, ratings, population, estimator: opts.estimator, model: opts.model, marginZ: opts.marginZ, deadband: opts.deadband, raterNoise });
    policy = { ...policy, thresholds: r.thresholds };
    lastNoise = raterNoise?.noise ?? null;
    const p = point(r.changed, r.evidence.chosen.success);
    trajectory.push(p);
    opts.onProgress?.(p);
    windowUp = 0;
    windowN = 0;
  };
  // Requests replay the file in a fresh random order each pass; no prompt repeats within a pass.
  let order: number[] = [];
  const maxRequests = Math.ceil(opts.ratings / Math.max(opts.ratingRate, 1e-6)) * 20 + rows.length;
  while (ratings.length < opts.ratings && requests < maxRequests) {
    if (order.length === 0) order = shuffled(rows.map((_, i) => i), rng);
    const i = order.pop()!;
    requests++;
    const a = assessments[i];
    // The same two calls the request path makes: decide(), then exploration keyed by the request id.
    const plan = explorePlan(decide(a, policy, states, { prompt: rows[i].prompt }), policy, `sim-${requests}`, opts.seed);
    const tier: TierIndex = plan.kind === 'reject' ? 2 : tierIndex[plan.chain[0]] ?? 2;
    population.push({ score: a.score, cost: rows[i].cost });
    if (rng() >= opts.ratingRate) continue;
    // The answer is good or not once; each rater then misjudges it independently with p = noise.
    const good = rng() < rows[i].score[tier];
    const raters = secondRate > 0 && rng() < secondRate ? 2 : 1;
    let ups = 0;
    let rated = 0;
    for (; rated < raters && ratings.length < opts.ratings; rated++) {
      const up = rng() < opts.noise ? !good : good;
      ups += up ? 1 : 0;
      ratings.push({ score: a.score, tier, success: up ? 1 : 0 });
      windowUp += up ? 1 : 0;
      windowN++;
      if (ratings.length % opts.every === 0) tune();
    }
    if (rated === 2) repeated.push({ up: ups, down: 2 - ups });
  }
  const final = truth(policy.thresholds);
  const { exact: optimal, grid: optimalGrid } = optimumOf(rows, assessments, opts.config.target);
  return {
    rows: rows.length,
    requests,
    ratings: ratings.length,
    repeated_ratings: repeated.length,
    estimated_noise: lastNoise === null ? null : round(lastNoise),
    trajectory,
    final_thresholds: policy.thresholds,
    final_cost: round(final.cost, 9),
    final_success: round(final.success),
    optimal_thresholds: { t1: optimal.t1, t2: optimal.t2 },
    optimal_cost: round(optimal.cost, 9),
    optimal_success: round(optimal.success),
    optimal_feasible: optimal.feasible,
    cost_ratio: round(final.cost / optimal.cost, 4),
    // The same at the tuner's own resolution (thresholds on a 0.005 grid), for comparison.
    optimal_grid: { t1: optimalGrid.t1, t2: optimalGrid.t2, cost: round(optimalGrid.cost, 9), success: round(optimalGrid.success) },
    cost_ratio_grid: round(final.cost / optimalGrid.cost, 4),
    // Every prompt to one tier (scores are in [0, 1]).
    single: Object.fromEntries(
      (
        [
          ['small', 2, 3],
          ['medium', -1, 2],
          ['large', -2, -1],
        ] as const
      ).map(([name, t1, t2]) => {
        const e = evaluate(all, t1, t2);
        return [name, { cost: round(e.cost, 9), success: round(e.success) }];
      }),
    ),
  };
}
