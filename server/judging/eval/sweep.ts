// The cascade replayed on recorded answers: for each setting (which tiers to try, in order, and the
// judge chain's thresholds) every item starts on the first tier, the chain (server/judging/chain.ts,
// the code the executor runs) judges each non-final answer, and a rejected answer escalates. Cost is
// every attempt made plus every judge call; quality the score of the answer delivered.
import { thresholdCandidates, type Point } from '../../routing/eval/metrics';
import { runChain, type ChainConfig, type Evidence, type JudgeName } from '../chain';
import type { AnswerEvidence, AnswerRow } from './evidence';

export interface Setting {
  /** Tier indices tried in order; the last is always accepted. */
  chain: number[];
  cfg: ChainConfig;
}

export interface SettingPoint extends Point {
  setting: Setting;
  /** Share of items answered by each tier index. */
  share: number[];
  /** Share of judged answers each judge decided (by judge name). */
  decidedBy: Record<string, number>;
  judgeCost: number;
  /** Score delivered per item, in row order (for confidence bounds on the quality). */
  scores: Float32Array;
}

function evidenceOf(e: AnswerEvidence): Evidence {
  return {
    validators: () => e.validators,
    verifiers: () => e.verifiers,
    model: async () => e.model,
    judgeTier: e.judge ? async () => ({ score: e.judge!.score, costUsd: e.judge!.costUsd, detail: 'simulated judge: recorded grade plus noise' }) : undefined,
  };
}

export async function simulate(rows: AnswerRow[], ev: AnswerEvidence[][], setting: Setting): Promise<SettingPoint> {
  let q = 0;
  let c = 0;
  let jc = 0;
  const share = rows[0].tiers.map(() => 0);
  const decided: Record<string, number> = {};
  let judged = 0;
  const scores = new Float32Array(rows.length);
  const last = rows[0].tiers.length - 1;
  for (const [i, r] of rows.entries()) {
    for (const [pos, k] of setting.chain.entries()) {
      const t = r.tiers[k];
      c += t.cost;
      const final = pos === setting.chain.length - 1;
      let accept = final;
      if (!final && k < last) {
        const o = await runChain(setting.cfg, evidenceOf(ev[i][k]));
        judged++;
        decided[o.decidedBy ?? 'none'] = (decided[o.decidedBy ?? 'none'] ?? 0) + 1;
        c += o.costUsd;
        jc += o.costUsd;
        accept = o.accepted;
      }
      if (accept) {
        q += t.score;
        scores[i] = t.score;
        share[k]++;
        break;
      }
    }
  }
  const n = rows.length;
  return {
    quality: q / n,
    cost: c / n,
    share: share.map((s) => s / n),
    decidedBy: Object.fromEntries(Object.entries(decided).map(([k, v]) => [k, v / Math.max(1, judged)])),
    judgeCost: jc / n,
    scores,
    setting,
  };
}

export interface SweepOptions {
  judges: JudgeName[];
  /** Threshold candidates per judged tier (quantiles of the model's scores). */
  grid: number;
  /** Judge-tier accept grades tried when the chain has a judge tier. */
  judgeAccept: number[];
}

/** Every non-empty ordered subset of tiers that ends in the final tier, plus each tier alone. */
export function chains(tiers: number): number[][] {
  const out: number[][] = [];
  const last = tiers - 1;
  for (let mask = 0; mask < 1 << last; mask++) {
    const c: number[] = [];
    for (let k = 0; k < last; k++) if (mask & (1 << k)) c.push(k);
    out.push([...c, last]);
  }
  for (let k = 0; k < last; k++) out.push([k]);
  return out;
}

export function settings(ev: AnswerEvidence[][], tiers: number, o: SweepOptions): Setting[] {
  const scores = ev.flatMap((e) => e.map((x) => x.model));
  const hasJudge = o.judges.includes('judge_tier');
  const grid = thresholdCandidates(scores, hasJudge ? Math.min(o.grid, 13) : o.grid);
  const out: Setting[] = [];
  const cfgs: ChainConfig[] = [];
  if (hasJudge) {
    for (const ja of o.judgeAccept) for (const [i, lo] of grid.entries()) for (const hi of grid.slice(i)) cfgs.push({ judges: o.judges, acceptThreshold: hi, uncertainBelow: lo, judgeAcceptScore: ja });
  } else for (const t of grid) cfgs.push({ judges: o.judges, acceptThreshold: t, uncertainBelow: t, judgeAcceptScore: 1 });
  for (const chain of chains(tiers)) {
    if (chain.length === 1) {
      out.push({ chain, cfg: cfgs[0] });
      continue;
    }
    for (const cfg of cfgs) out.push({ chain, cfg });
  }
  return out;
}

/**
 * The cheapest setting whose quality reaches `share` of the final tier's with the given one-sided
 * confidence: the lower bound mean(d) - z·sd(d)/√n of the per-item difference d = score - share·final
 * must be >= 0 (z = 0 is the plain mean). A threshold chosen this way on training items still reaches
 * the target on new items more often than one that only just reaches it on the training items.
 */
export function cheapestConfident(rows: AnswerRow[], points: SettingPoint[], share: number, z: number): SettingPoint | null {
  const final = rows.map((r) => r.tiers[r.tiers.length - 1].score);
  const n = rows.length;
  let best: SettingPoint | null = null;
  for (const p of points) {
    if (best && p.cost >= best.cost) continue;
    let m = 0;
    for (let i = 0; i < n; i++) m += p.scores[i] - share * final[i];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (p.scores[i] - share * final[i] - m) ** 2;
    const se = n > 1 ? Math.sqrt(v / (n - 1) / n) : 0;
    if (m - z * se >= -1e-12) best = p;
  }
  return best;
}

/** The cheapest point whose quality reaches `target`; null when none does. */
export function cheapestReaching<P extends Point>(points: P[], target: number): P | null {
  let best: P | null = null;
  for (const p of points) if (p.quality >= target && (!best || p.cost < best.cost)) best = p;
  return best;
}
