// One tuning step: estimate each tier's success curve from ratings, find the cheapest thresholds
// that meet the target within the guardrail box, and report the change with its evidence.
import { estimateSuccess, type EstimatorOptions, type SuccessModel, type TierSummary } from './estimate';
import { applyGuardrails } from './guardrails';
import { correctForNoise, type NoiseEstimate } from './noise';
import { evaluate, optimizeThresholds, uniformGrid, type OptimizeItem } from './optimize';
import type { PopulationItem, RatedObservation, Thresholds, TunerConfig } from './types';

export interface TuneInput {
  current: Thresholds;
  config: TunerConfig;
  ratings: readonly RatedObservation[];
  /** Recent traffic (rated or not): the score distribution and per-tier costs to optimise over. */
  population: readonly PopulationItem[];
  estimator?: EstimatorOptions;
  /** A success model fitted elsewhere (e.g. known curves in a test); `estimator` is then unused. */
  model?: SuccessModel;
  /** Grid resolution of the candidate thresholds (default 0.005). */
  gridStep?: number;
  minGap?: number;
  /**
   * Safety margin in standard errors of the ratings: the optimiser aims at
   * target + marginZ * sqrt(target (1 - target) / ratings). Picking the cheapest of many candidates
   * on noisy estimates favours those whose success is overestimated; a small margin offsets that.
   */
  marginZ?: number;
  /**
   * Hysteresis: the thresholds stay where they are while their estimated success is within this
   * distance of the aim (success units). Estimates move with every batch of ratings; without a dead
   * band the thresholds chase that noise along the steep part of the cost curve.
   */
  deadband?: number;
  /** Estimated rater flip probability: the fitted curves are corrected for it (see noise.ts). */
  raterNoise?: NoiseEstimate;
}

export interface TuneEvidence {
  samples: number;
  perTier: [TierSummary, TierSummary, TierSummary];
  target: number;
  /** The target the optimiser aimed at (target plus the safety margin). */
  aim: number;
  /** The rater-noise correction applied, if any. */
  raterNoise?: NoiseEstimate;
  /** Estimated mean cost / success per request under the current and the chosen thresholds. */
  current: { cost: number; success: number };
  chosen: { cost: number; success: number };
  /** Where the tuner would go without the step limit, for the admin reviewing a proposal. */
  unconstrained: { t1: number; t2: number; cost: number; success: number; feasible: boolean };
  feasible: boolean;
  notes: string[];
}

export interface TuneResult {
  thresholds: Thresholds;
  changed: boolean;
  reason: string;
  evidence: TuneEvidence;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

export function tuneThresholds(input: TuneInput): TuneResult {
  const { current, config } = input;
  const minGap = input.minGap ?? 0.01;
  const model = correctForNoise(input.model ?? estimateSuccess(input.ratings, input.estimator), input.raterNoise?.noise ?? 0);
  const items: OptimizeItem[] = input.population.map((p) => ({
    score: p.score,
    cost: p.cost,
    success: [model.predict(0, p.score), model.predict(1, p.score), model.predict(2, p.score)],
  }));
  const grid = uniformGrid(config.floor, config.ceiling, input.gridStep ?? 0.005);
  const cur = evaluate(items, current.t1, current.t2);
  const n = input.ratings.length;
  const aim = Math.min(1, config.target + (input.marginZ ?? 0) * Math.sqrt((config.target * (1 - config.target)) / Math.max(n, 1)));
  const base = { samples: n, perTier: model.summary, target: config.target, aim, current: cur, ...(input.raterNoise ? { raterNoise: input.raterNoise } : {}) };
  if (input.ratings.length < config.minSamples || items.length === 0) {
    const note = `only ${input.ratings.length} rated decisions, need ${config.minSamples}`;
    return {
      thresholds: current,
      changed: false,
      reason: note,
      evidence: { ...base, chosen: cur, unconstrained: { ...current, ...cur, feasible: cur.success >= config.target }, feasible: cur.success >= config.target, notes: [note] },
    };
  }
  const unconstrained = optimizeThresholds(items, { target: aim, grid, minGap });
  const deadband = input.deadband ?? 0;
  if (deadband > 0 && Math.abs(cur.success - aim) <= deadband) {
    const note = `estimated success ${pct(cur.success)} is within ${pct(deadband)} of the aim ${pct(aim)}: kept (hysteresis)`;
    return { thresholds: current, changed: false, reason: `thresholds kept: ${note}`, evidence: { ...base, chosen: cur, unconstrained, feasible: cur.success >= config.target, notes: [note] } };
  }
  const box = (x: number) => [Math.max(config.floor, x - config.maxStep), Math.min(config.ceiling, x + config.maxStep)] as const;
  let local = unconstrained;
  try {
    // Optimise inside the step box, so every intermediate policy is itself estimated to meet the target.
    local = optimizeThresholds(items, { target: aim, grid: [...grid, current.t1, current.t2], minGap, range1: box(current.t1), range2: box(current.t2) });
  } catch {
    // The box holds no valid pair (current values outside the guardrails): step toward the optimum instead.
  }
  const guarded = applyGuardrails(current, local, config, input.ratings.length, minGap);
  const chosen = evaluate(items, guarded.thresholds.t1, guarded.thresholds.t2);
  const feasible = chosen.success >= config.target;
  const t = guarded.thresholds;
  const reason = guarded.changed
    ? `t1 ${current.t1}→${t.t1}, t2 ${current.t2}→${t.t2}: estimated success ${pct(cur.success)}→${pct(chosen.success)} (target ${pct(config.target)}), ` +
      `cost per request ${cur.cost.toExponential(2)}→${chosen.cost.toExponential(2)} USD, from ${input.ratings.length} ratings`
    : `thresholds kept: estimated success ${pct(cur.success)} (target ${pct(config.target)}) from ${input.ratings.length} ratings`;
  return {
    thresholds: t,
    changed: guarded.changed,
    reason,
    evidence: { ...base, chosen, unconstrained, feasible, notes: guarded.notes },
  };
}
