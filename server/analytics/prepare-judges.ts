// Pure preparation of the answer judges' table: per judge, how many answers it saw, how often its
// verdict escalated the request (rejected), its share of all judge-made escalations, and how the
// cheap answers it accepted were rated (Wilson interval).
import { wilson } from './stats';
import type { JudgeAcceptedRatingRow, JudgeVerdictRow } from './types';

export interface JudgeStat {
  judge: string;
  seen: number;
  accepted: number;
  rejected: number;
  abstained: number;
  /** rejected / seen: how often this judge escalated an answer it looked at. */
  escalationRate: number | null;
  /** This judge's share of the escalations all judges made. */
  shareOfEscalations: number | null;
  /** Ratings of delivered answers this judge accepted last. */
  acceptedRated: number;
  acceptedSuccess: { rate: number; low: number; high: number } | null;
}

// The chain's order (cheapest first), so the table reads like the chain.
const ORDER = ['validators', 'verifiers', 'model', 'self_consistency', 'judge_tier'];

export function prepareJudges(verdicts: readonly JudgeVerdictRow[], rated: readonly JudgeAcceptedRatingRow[]): JudgeStat[] {
  const by = new Map<string, JudgeStat>();
  const stat = (judge: string) => {
    let s = by.get(judge);
    if (!s) by.set(judge, (s = { judge, seen: 0, accepted: 0, rejected: 0, abstained: 0, escalationRate: null, shareOfEscalations: null, acceptedRated: 0, acceptedSuccess: null }));
    return s;
  };
  for (const v of verdicts) {
    const s = stat(v.judge);
    s.seen += v.count;
    if (v.outcome === 'accepted') s.accepted += v.count;
    else if (v.outcome === 'rejected') s.rejected += v.count;
    else s.abstained += v.count;
  }
  for (const r of rated) {
    const s = stat(r.judge);
    s.acceptedRated += r.n;
    s.acceptedSuccess = wilson(r.up, r.n);
  }
  const escalations = [...by.values()].reduce((a, s) => a + s.rejected, 0);
  for (const s of by.values()) {
    s.escalationRate = s.seen > 0 ? s.rejected / s.seen : null;
    s.shareOfEscalations = escalations > 0 ? s.rejected / escalations : null;
  }
  const rank = (j: string) => (ORDER.includes(j) ? ORDER.indexOf(j) : ORDER.length);
  return [...by.values()].sort((a, b) => rank(a.judge) - rank(b.judge) || a.judge.localeCompare(b.judge));
}
