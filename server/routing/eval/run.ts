// Offline routing evaluation: routes every prompt of an outcome file with the server's own decide()
// across a sweep of thresholds and compares against single tiers, a random mix and the oracle.
import type { Assessment } from '../../complexity/types';
import { decide, type TierState } from '../decide';
import { defaultPolicy, type Policy } from '../policy';
import { apgr, costAt95, evaluate, oracle, paretoFrontier, singleTier, thresholdCandidates, upperHull, TIERS, type OutcomeRow, type Point, type Tier } from './metrics';

export interface OutcomeLine {
  id: string;
  split?: string;
  task: string;
  prompt: string;
  outcomes: Record<string, { score: number; cost_usd: number }>;
}

export interface EvalRow extends OutcomeRow {
  id: string;
  task: string;
  prompt: string;
}

/** Parses JSON Lines; a bad line is reported with its number, never thrown. */
export function parseOutcomes(text: string): { lines: OutcomeLine[]; errors: string[] } {
  const lines: OutcomeLine[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      const o = JSON.parse(raw) as Partial<OutcomeLine>;
      if (typeof o.prompt !== 'string' || typeof o.outcomes !== 'object' || o.outcomes === null) throw new Error('needs "prompt" and "outcomes"');
      lines.push({ id: String(o.id ?? `line-${i + 1}`), split: o.split, task: String(o.task ?? ''), prompt: o.prompt, outcomes: o.outcomes });
    } catch (e) {
      errors.push(`line ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  return { lines, errors };
}

/** Rows of one split that have finite outcomes for all three models; the others are counted as skipped. */
export function selectRows(lines: OutcomeLine[], models: Record<Tier, string>, split: string | null): { rows: EvalRow[]; skipped: number } {
  const rows: EvalRow[] = [];
  let skipped = 0;
  for (const l of lines) {
    if (split !== null && l.split !== split) continue;
    const o = TIERS.map((t) => l.outcomes[models[t]]);
    if (o.some((x) => !x || !Number.isFinite(x.score) || !Number.isFinite(x.cost_usd))) {
      skipped++;
      continue;
    }
    rows.push({ id: l.id, task: l.task, prompt: l.prompt, small: { score: o[0].score, cost: o[0].cost_usd }, medium: { score: o[1].score, cost: o[1].cost_usd }, large: { score: o[2].score, cost: o[2].cost_usd } });
  }
  return { rows, skipped };
}

const HEALTHY: TierState = { enabled: true, breaker: 'closed', queued: 0 };

/** The policy for one sweep setting: research off (outcome files have three models), no rules. */
export function sweepPolicy(base: Policy, t1: number, t2: number): Policy {
  // t3 above every score: research is disabled anyway, and decide() needs t1 < t2 < t3 ordering only.
  return { ...base, thresholds: { t1, t2, t3: 2 }, research: { ...base.research, enabled: false }, rules: [], budgets: [], apiKeyOverrides: [] };
}

export interface SweepPoint extends Point {
  t1: number;
  t2: number;
  costFraction: number;
  share: Record<Tier, number>;
}

function round(x: number, d = 6): number {
  return Number(x.toFixed(d));
}

export function runEval(rows: EvalRow[], assessments: Assessment[], base: Policy = defaultPolicy()) {
  if (rows.length === 0) throw new Error('no rows to evaluate (check --split and the model names)');
  const policyTiers = { [base.targets.small]: HEALTHY, [base.targets.medium]: HEALTHY, [base.targets.large]: HEALTHY };
  const tierOf: Record<string, Tier> = { [base.targets.small]: 'small', [base.targets.medium]: 'medium', [base.targets.large]: 'large' };
  const singles = Object.fromEntries(TIERS.map((t) => [t, singleTier(rows, t)])) as Record<Tier, Point>;
  const large = singles.large;
  const scores = assessments.map((a) => a.score);
  const cands = thresholdCandidates(scores);
  const points: SweepPoint[] = [];
  const seen = new Set<string>();
  const raw = new Map<SweepPoint, [number, number]>();
  const sweep = (t1: number, t2: number) => {
    if (t2 <= t1) t2 = t1 + 1e-9;
    const key = `${t1},${t2}`;
    if (seen.has(key)) return;
    seen.add(key);
    const policy = sweepPolicy(base, t1, t2);
    const assignment = rows.map((r, k) => {
      const plan = decide(assessments[k], policy, policyTiers, { prompt: r.prompt });
      return plan.kind === 'reject' ? 'large' : tierOf[plan.chain[0]];
    });
    const e = evaluate(rows, assignment);
    const p = { t1: round(t1), t2: round(t2), quality: e.quality, cost: e.cost, costFraction: e.cost / large.cost, share: e.share };
    points.push(p);
    raw.set(p, [t1, t2]);
  };
  for (let i = 0; i < cands.length; i++) for (let j = i; j < cands.length; j++) sweep(cands[i], cands[j]);
  // The quantile grid moves ~2.5 % of the prompts per step, so the cheapest setting reaching 95 %
  // can overshoot the target by a step. Refine around it: every distinct score between the grid
  // neighbours of its t2 (with every grid t1) and of its t1 (t2 fixed) becomes a threshold too.
  const target = 0.95 * large.quality;
  const coarse = points.filter((p) => p.quality >= target).sort((a, b) => a.cost - b.cost)[0];
  if (coarse) {
    const distinct = [...new Set(scores)].sort((a, b) => a - b);
    const between = (t: number) => {
      const i = cands.findIndex((c) => c >= t);
      const lo = cands[Math.max(0, i - 1)];
      const hi = cands[Math.min(cands.length - 1, i + 1)];
      return distinct.filter((x) => x > lo && x < hi);
    };
    const [c1, c2] = raw.get(coarse)!;
    // t1 is re-tried on the whole grid: the best refined t2 may pair with another t1.
    for (const x of between(c2)) for (const a of cands) if (a <= x) sweep(a, x);
    for (const x of between(c1)) sweep(x, c2);
  }
  const hull = upperHull(Object.values(singles));
  // Random mixing is linear between hull points: sample it so the step-function APGR sees the line.
  const mixPoints: Point[] = hull.flatMap((a, i) => (i === 0 ? [a] : Array.from({ length: 200 }, (_, k) => {
    const b = hull[i - 1];
    const f = (k + 1) / 200;
    return { quality: b.quality + f * (a.quality - b.quality), cost: b.cost + f * (a.cost - b.cost) };
  })));
  const orc = oracle(rows);
  const curve = paretoFrontier(points);
  const at95 = costAt95(points, large, false);
  const best = at95 === null ? null : curve.find((p) => p.quality >= 0.95 * large.quality) ?? null;
  const fmt = (p: Point) => ({ quality: round(p.quality), cost: round(p.cost, 9), costFraction: round(p.cost / large.cost) });
  return {
    rows: rows.length,
    single: Object.fromEntries(TIERS.map((t) => [t, fmt(singles[t])])),
    random: { cost_at_95: nullableRound(costAt95(Object.values(singles), large, true)), apgr: nullableRound(apgr(mixPoints, singles.small, large)) },
    oracle: { ...fmt(orc), cost_at_95: nullableRound(orc.quality >= 0.95 * large.quality ? orc.cost / large.cost : null) },
    apgr: nullableRound(apgr(points, singles.small, large)),
    cost_at_95: nullableRound(at95),
    best_at_95: best && { t1: best.t1, t2: best.t2, ...fmt(best), share: best.share },
    swept: points.length,
    curve: curve.map((p) => ({ t1: p.t1, t2: p.t2, ...fmt(p), share: p.share })),
  };
}

function nullableRound(x: number | null): number | null {
  return x === null ? null : round(x, 4);
}
