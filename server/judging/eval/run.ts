// eval-cascade: train the judges on one file, choose the setting that reaches the quality target on
// it (out of fold), then replay the cascade on another file with the same code the server runs.
import { apgr, costAt95, paretoFrontier, singleTier, oracle, type OutcomeRow, type Point } from '../../routing/eval/metrics';
import type { OutcomeLine } from '../../routing/eval/run';
import type { JudgeName } from '../chain';
import type { TrainOptions } from '../train';
import { buildEvidence, featureTable, foldOf, LABEL_AT, labeled, outOfFold, scoreWith, type AnswerRow, type JudgeSim } from './evidence';
import { cheapestConfident, cheapestReaching, settings, simulate, type Setting, type SettingPoint } from './sweep';

/** Standard normal quantile (Acklam's rational approximation; |error| < 1.2e-9 on (0, 1)). */
export function zOf(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`confidence must be in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -zOf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

export interface CascadeEvalOptions {
  judges: JudgeName[];
  train: TrainOptions;
  folds: number;
  target: number;
  /** One-sided confidence with which the chosen setting must reach the target on --train (0.5 = the plain mean). */
  confidence: number;
  grid: number;
  judgeSim: JudgeSim | null;
  judgeAccept: number[];
  progress?: (msg: string) => void;
}

/** Rows with an answer, score and cost for every model; the others are counted as skipped. */
export function selectAnswerRows(lines: OutcomeLine[], models: string[]): { rows: AnswerRow[]; skipped: number } {
  const rows: AnswerRow[] = [];
  let skipped = 0;
  for (const l of lines) {
    const tiers = models.map((m) => l.outcomes[m] as ({ score: number; cost_usd: number; answer?: unknown; rating?: unknown } | undefined));
    if (tiers.some((t) => !t || !Number.isFinite(t.score) || !Number.isFinite(t.cost_usd) || typeof t.answer !== 'string')) {
      skipped++;
      continue;
    }
    rows.push({
      id: l.id,
      prompt: l.prompt,
      tiers: tiers.map((t, k) => ({ model: models[k], score: t!.score, cost: t!.cost_usd, answer: t!.answer as string, rating: typeof t!.rating === 'number' ? t!.rating : null })),
    });
  }
  return { rows, skipped };
}

const r6 = (x: number) => Number(x.toFixed(6));
const r4 = (x: number | null) => (x === null ? null : Number(x.toFixed(4)));

/** Small / medium / large view of the rows for the shared metric helpers (medium = small with two tiers). */
export function outcomeRows(rows: AnswerRow[]): OutcomeRow[] {
  return rows.map((r) => {
    const o = r.tiers.map((t) => ({ score: t.score, cost: t.cost }));
    return { small: o[0], medium: o.length > 2 ? o[1] : o[0], large: o[o.length - 1] };
  });
}

function describe(s: Setting, models: string[]) {
  return {
    chain: s.chain.map((k) => models[k]),
    judges: s.cfg.judges,
    accept_threshold: r6(s.cfg.acceptThreshold),
    ...(s.cfg.judges.includes('judge_tier') ? { uncertain_below: r6(s.cfg.uncertainBelow), judge_accept: s.cfg.judgeAcceptScore } : {}),
  };
}

async function sweep(rows: AnswerRow[], ev: ReturnType<typeof buildEvidence>, sets: Setting[]): Promise<SettingPoint[]> {
  const out: SettingPoint[] = [];
  for (const s of sets) out.push(await simulate(rows, ev, s));
  return out;
}

/** The cheapest setting reaching the target on `train`, judged by out-of-fold model scores. */
export async function chooseSetting(train: AnswerRow[], feats: Map<string, Float32Array[]>, tiers: number, o: CascadeEvalOptions) {
  // Folds drawn with their own salt: inside a cross-validation these rows are already one side of
  // an outer split, and the outer fold function would leave one inner fold empty.
  const oof = await outOfFold(train, feats, o.folds, o.train, 'choose');
  const ev = buildEvidence(train, oof, o.judgeSim);
  const pts = await sweep(train, ev, settings(ev, tiers, { judges: o.judges, grid: o.grid, judgeAccept: o.judgeAccept }));
  const large = singleTier(outcomeRows(train), 'large');
  return { chosen: cheapestConfident(train, pts, o.target, zOf(o.confidence)), large };
}

export async function runCascadeEval(train: AnswerRow[], data: AnswerRow[], models: string[], o: CascadeEvalOptions) {
  if (train.length === 0 || data.length === 0) throw new Error('no rows to train on or to evaluate');
  const say = o.progress ?? (() => {});
  say(`featurizing ${train.length} training and ${data.length} evaluation items`);
  const trainFeats = featureTable(train);
  const dataFeats = featureTable(data);
  say(`choosing the setting on --train (answer-quality model out of fold, ${o.folds} folds)`);
  const { chosen, large } = await chooseSetting(train, trainFeats, models.length, o);
  say('training on all of --train and scoring --data with ONNX Runtime');
  const dataScores = await scoreWith(labeled(train, trainFeats), data, dataFeats, o.train);
  const dataEv = buildEvidence(data, dataScores, o.judgeSim);
  const targets: TargetRun[] = [];
  if (chosen) {
    const p = await simulate(data, dataEv, chosen.setting);
    targets.push({ p, n: data.length, setting: chosen.setting, trainQualityShare: chosen.quality / large.quality, trainCostShare: chosen.cost / large.cost });
  }
  return report(data, dataEv, models, o, targets);
}

/**
 * K-fold cross-validation on one file: every item is scored by a model that never saw it (curve,
 * APGR, cost_at_95 pooled), and at_target uses, for each fold, the setting chosen on the other folds.
 */
export async function runCascadeCv(rows: AnswerRow[], models: string[], o: CascadeEvalOptions) {
  if (rows.length < o.folds * 2) throw new Error(`too few rows (${rows.length}) for ${o.folds}-fold cross-validation`);
  const say = o.progress ?? (() => {});
  say(`featurizing ${rows.length} items`);
  const feats = featureTable(rows);
  const outer = await outOfFold(rows, feats, o.folds, o.train);
  const ev = buildEvidence(rows, outer, o.judgeSim);
  const targets: TargetRun[] = [];
  for (let f = 0; f < o.folds; f++) {
    const inFold = rows.map((r) => foldOf(r.id, o.folds) === f);
    const test = rows.filter((_, i) => inFold[i]);
    const testEv = ev.filter((_, i) => inFold[i]);
    say(`fold ${f + 1}/${o.folds}: choosing the setting on the other folds`);
    const { chosen, large } = await chooseSetting(rows.filter((_, i) => !inFold[i]), feats, models.length, o);
    if (!chosen) continue;
    const p = await simulate(test, testEv, chosen.setting);
    targets.push({ p, n: test.length, setting: chosen.setting, trainQualityShare: chosen.quality / large.quality, trainCostShare: chosen.cost / large.cost });
  }
  return report(rows, ev, models, o, targets);
}

export interface TargetRun {
  /** Items this run covers (a fold's size when pooled). */
  n: number;
  p: Pick<SettingPoint, 'quality' | 'cost' | 'share' | 'decidedBy'>;
  setting: Setting | null;
  trainQualityShare: number | null;
  trainCostShare: number | null;
}

/** Curve, APGR and cost_at_95 of `ev` on `data`; at_target from the runs given (pooled when several). */
export async function report(data: AnswerRow[], dataEv: ReturnType<typeof buildEvidence>, models: string[], o: CascadeEvalOptions, targets: TargetRun[]) {
  const tiers = models.length;
  const sweepOpts = { judges: o.judges, grid: o.grid, judgeAccept: o.judgeAccept };
  const dataSets = settings(dataEv, tiers, sweepOpts);
  o.progress?.(`replaying the cascade (${dataSets.length} settings)`);
  const pts = await sweep(data, dataEv, dataSets);
  const orows = outcomeRows(data);
  const singles = models.map((_, k) => {
    const q = data.reduce((s, r) => s + r.tiers[k].score, 0) / data.length;
    const c = data.reduce((s, r) => s + r.tiers[k].cost, 0) / data.length;
    return { quality: q, cost: c };
  });
  const large = singles[tiers - 1];
  const small = singles[0];
  const curve = paretoFrontier(pts);
  const at95 = costAt95(pts, large, false);
  const best = cheapestReaching(pts, 0.95 * large.quality);
  const orc = oracle(orows);
  let atTarget = null;
  if (targets.length) {
    // Pooled over folds: each fold's rows weigh by their count (quality and cost are per-item means).
    const n = targets.reduce((s, t) => s + t.n, 0);
    const p = targets[0].p;
    const q = targets.reduce((s, t) => s + t.p.quality * t.n, 0) / n;
    const c = targets.reduce((s, t) => s + t.p.cost * t.n, 0) / n;
    const one = targets.length === 1 ? targets[0] : null;
    atTarget = {
      setting: one?.setting ? describe(one.setting, models) : targets.length > 1 ? 'chosen per fold on the other folds' : null,
      quality_share: r4(q / large.quality),
      cost_share: r4(c / large.cost),
      quality: r6(q),
      ...(one ? { share: Object.fromEntries(models.map((m, k) => [m, r4(p.share[k])])), decided_by: roundMap(p.decidedBy), train_quality_share: r4(one.trainQualityShare), train_cost_share: r4(one.trainCostShare) } : {}),
    };
  }
  const fmt = (p: Point) => ({ quality: r6(p.quality), cost: Number(p.cost.toPrecision(6)), costFraction: r4(p.cost / large.cost) });
  return {
    rows: data.length,
    models,
    judges: o.judges,
    single: Object.fromEntries(models.map((m, k) => [m, fmt(singles[k])])),
    oracle: { ...fmt(orc), cost_at_95: r4(orc.quality >= 0.95 * large.quality ? orc.cost / large.cost : null) },
    random: { cost_at_95: r4(costAt95(singles, large, true)) },
    cost_at_95: r4(at95),
    model_auc: Object.fromEntries(models.slice(0, -1).map((m, k) => [m, r4(auc(dataEv.map((e) => e[k].model), data.map((r) => (r.tiers[k].score >= LABEL_AT ? 1 : 0))))])),
    oracle_cascade: { cost_at_95: r4(oracleCascade(data, 0.95 * large.quality) / large.cost) },
    apgr: r4(apgr(pts, small, large)),
    best_at_95: best && { ...describe(best.setting, models), ...fmt(best), share: best.share.map((x) => r4(x)), decided_by: roundMap(best.decidedBy), judge_cost_fraction: r4(best.judgeCost / large.cost) },
    at_target: atTarget,
    swept: pts.length,
    curve: curve.map((p) => ({ ...describe(p.setting, models), ...fmt(p) })),
  };
}

/** Area under the ROC curve (ties count half); null without both classes. */
export function auc(scores: number[], labels: number[]): number | null {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j < idx.length && scores[idx[j]] === scores[idx[i]]) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (labels[idx[k]] === 1) {
      rankSum += rank;
      pos++;
    }
    i = j;
  }
  const neg = labels.length - pos;
  return pos && neg ? (rankSum - (pos * (pos + 1)) / 2) / (pos * neg) : null;
}

/**
 * The cascade an oracle would run: every item tries the first tier (its cost is paid), and the
 * oracle, knowing every outcome, sends it on to whichever tier is worth it. The least mean cost
 * reaching `target` (Lagrangian: each item maximises score - lambda * cost, lambda by bisection;
 * at the step where the target is crossed the two neighbouring solutions are mixed linearly).
 * Infinity when even the best answers miss the target.
 */
export function oracleCascade(rows: AnswerRow[], target: number): number {
  const options = rows.map((r) => r.tiers.map((t, k) => ({ q: t.score, c: r.tiers[0].cost + (k > 0 ? t.cost : 0) })));
  const solve = (lambda: number) => {
    let q = 0;
    let c = 0;
    for (const o of options) {
      let best = o[0];
      for (const x of o) if (x.q - lambda * x.c > best.q - lambda * best.c + 1e-15) best = x;
      q += best.q;
      c += best.c;
    }
    return { q: q / rows.length, c: c / rows.length };
  };
  if (solve(0).q < target - 1e-12) return Infinity;
  let lo = 0;
  let hi = 1;
  while (solve(hi).q >= target && hi < 1e12) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (solve(mid).q >= target) lo = mid;
    else hi = mid;
  }
  const a = solve(lo);
  const b = solve(hi);
  if (a.q - b.q < 1e-12) return a.c;
  return b.c + ((target - b.q) / (a.q - b.q)) * (a.c - b.c);
}

function roundMap(m: Record<string, number>) {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, r4(v)]));
}
