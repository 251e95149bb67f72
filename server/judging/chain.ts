// The judge chain: after a tier answers, judges look at the answer cheapest first and the first
// decisive verdict settles it (accept: deliver; reject: escalate). The same function runs in the
// cascade executor and in the offline evaluation, which hands it recorded evidence instead of live
// calls, so a threshold chosen offline means the same thing in production.

import { JUDGE_NAMES, type JudgeName } from '../routing/policy';

export const JUDGES = JUDGE_NAMES;
export type { JudgeName };

export interface JudgeVerdict {
  judge: JudgeName;
  verdict: 'accept' | 'reject' | 'abstain';
  /** The judge's score in [0, 1] when it has one (model probability, judge grade). */
  score: number | null;
  /** Paid calls this judge made (judge tier, extra sample); also recorded as attempts. */
  costUsd: number;
  detail: string | null;
}

export interface ChainConfig {
  judges: readonly JudgeName[];
  /** Model score at or above which the answer is accepted. */
  acceptThreshold: number;
  /**
   * Model scores in [uncertainBelow, acceptThreshold) are passed to the later, dearer judges
   * (self-consistency, judge tier) when the chain has any; below it the model rejects. Without
   * later judges the model rejects everything under acceptThreshold.
   */
  uncertainBelow: number;
  /** Judge tier grade (0..1) at or above which the judge tier accepts. */
  judgeAcceptScore: number;
}

/** What the judges look at; each piece is asked for only when its judge runs (the dear ones call tiers). */
export interface Evidence {
  validators(): { ok: true } | { ok: false; detail: string };
  verifiers(): { ok: true; detail: string | null } | { ok: false; detail: string };
  /** P(acceptable) from the answer-quality model; null when no model is loaded. */
  model(): Promise<number | null>;
  selfConsistency?(): Promise<{ agree: boolean; costUsd: number; detail: string }>;
  /** score null: the judge tier's reply held no grade (the judge abstains). */
  judgeTier?(): Promise<{ score: number | null; costUsd: number; detail: string }>;
}

export interface ChainOutcome {
  accepted: boolean;
  decidedBy: JudgeName | null;
  verdicts: JudgeVerdict[];
  costUsd: number;
}

const ORDER: Record<JudgeName, number> = { validators: 0, verifiers: 1, model: 2, self_consistency: 3, judge_tier: 4 };

export async function runChain(cfg: ChainConfig, ev: Evidence): Promise<ChainOutcome> {
  const judges = [...new Set(cfg.judges)].sort((a, b) => ORDER[a] - ORDER[b]);
  const verdicts: JudgeVerdict[] = [];
  const finish = (accepted: boolean, by: JudgeName | null): ChainOutcome => ({ accepted, decidedBy: by, verdicts, costUsd: verdicts.reduce((s, v) => s + v.costUsd, 0) });
  for (const [i, judge] of judges.entries()) {
    const later = judges.slice(i + 1).some((j) => (j === 'judge_tier' && ev.judgeTier) || (j === 'self_consistency' && ev.selfConsistency));
    const v = await runJudge(judge, cfg, ev, later);
    if (!v) continue;
    verdicts.push(v);
    if (v.verdict !== 'abstain') return finish(v.verdict === 'accept', judge);
  }
  // Nobody objected: the answer stands.
  return finish(true, null);
}

async function runJudge(judge: JudgeName, cfg: ChainConfig, ev: Evidence, laterJudges: boolean): Promise<JudgeVerdict | null> {
  switch (judge) {
    case 'validators': {
      const r = ev.validators();
      return { judge, verdict: r.ok ? 'abstain' : 'reject', score: null, costUsd: 0, detail: r.ok ? null : r.detail };
    }
    case 'verifiers': {
      const r = ev.verifiers();
      return { judge, verdict: r.ok ? 'abstain' : 'reject', score: null, costUsd: 0, detail: r.detail };
    }
    case 'model': {
      const p = await ev.model();
      if (p === null) return { judge, verdict: 'abstain', score: null, costUsd: 0, detail: 'no answer-quality model loaded' };
      const floor = laterJudges ? Math.min(cfg.uncertainBelow, cfg.acceptThreshold) : cfg.acceptThreshold;
      const verdict = p >= cfg.acceptThreshold ? 'accept' : p < floor ? 'reject' : 'abstain';
      const detail = `P(acceptable) ${p.toFixed(3)} ${verdict === 'accept' ? '>=' : verdict === 'reject' ? '<' : 'in the uncertain band below'} ${verdict === 'reject' ? floor.toFixed(3) : cfg.acceptThreshold.toFixed(3)}`;
      return { judge, verdict, score: p, costUsd: 0, detail };
    }
    case 'self_consistency': {
      if (!ev.selfConsistency) return null;
      const r = await ev.selfConsistency();
      return { judge, verdict: r.agree ? 'accept' : 'reject', score: r.agree ? 1 : 0, costUsd: r.costUsd, detail: r.detail };
    }
    case 'judge_tier': {
      if (!ev.judgeTier) return null;
      const r = await ev.judgeTier();
      const verdict = r.score === null ? 'abstain' : r.score >= cfg.judgeAcceptScore ? 'accept' : 'reject';
      return { judge, verdict, score: r.score, costUsd: r.costUsd, detail: r.detail };
    }
  }
}
