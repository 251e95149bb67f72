// What-if for the answer-side cascade: the answer-quality model's recorded scores replayed against
// the draft's accept threshold. Every judged answer whose model verdict was recorded with its score
// ("judge:model" attempt, "(score 0.812)" in its detail) is judged again with the draft's
// acceptThreshold / uncertainBelow of its band; the verdicts of the other judges stand as recorded.
// Pure: load.ts reads the attempts.
import type { Policy } from '../routing/policy';
import type { JudgedDecision, JudgeReplay, TierPrice } from './types';

const SCORE = /\(score (\d+(?:\.\d+)?)\)/;

interface JudgingPlanView {
  band: 'small' | 'medium' | 'large';
  judges: string[];
  acceptThreshold: number;
  uncertainBelow: number;
  chain: string[];
}

function judgingOf(plan: unknown): JudgingPlanView | null {
  const p = plan as { kind?: string; chain?: unknown; judging?: { band?: unknown; judges?: unknown; acceptThreshold?: unknown; uncertainBelow?: unknown } } | null;
  const j = p?.judging;
  if (!p || p.kind !== 'cascade' || !j || !['small', 'medium', 'large'].includes(j.band as string)) return null;
  return {
    band: j.band as JudgingPlanView['band'],
    judges: Array.isArray(j.judges) ? j.judges.filter((x): x is string => typeof x === 'string') : [],
    acceptThreshold: Number(j.acceptThreshold),
    uncertainBelow: Number(j.uncertainBelow),
    chain: Array.isArray(p.chain) ? p.chain.filter((x): x is string => typeof x === 'string') : [],
  };
}

/** The model judge's verdict at a threshold: accept, reject, or pass on (only when later judges exist). */
function modelVerdict(score: number, accept: number, uncertain: number, laterJudges: boolean): 'accept' | 'reject' | 'abstain' {
  if (score >= accept) return 'accept';
  if (!laterJudges || score < uncertain) return 'reject';
  return 'abstain';
}

const price = (t: TierPrice | undefined, tin: number, tout: number) => (t ? (tin * t.inputPricePerM + tout * t.outputPricePerM) / 1e6 : 0);

export function replayJudging(decisions: readonly JudgedDecision[], draft: Policy, tiers: readonly TierPrice[]): JudgeReplay | null {
  const byName = new Map(tiers.map((t) => [t.name, t]));
  const r: JudgeReplay = { answers: 0, decisions: 0, acceptedBefore: 0, acceptedAfter: 0, nowAccepted: 0, nowRejected: 0, nowRejectedRated: { up: 0, down: 0 }, escalationRate: { before: null, after: null }, costBefore: 0, costAfter: 0, thresholds: [] };
  const recordedThreshold = new Map<string, number>();
  let escBefore = 0;
  let escAfter = 0;
  for (const d of decisions) {
    const j = judgingOf(d.plan);
    if (!j) continue;
    const draftBand = draft.answerJudging[j.band];
    const later = j.judges.indexOf('model') >= 0 && j.judges.indexOf('model') < j.judges.length - 1;
    // The judged answers, in order: each answer attempt followed by its verdicts.
    const answers: { seq: number; tier: string; accepted: boolean; score: number | null; tokensIn: number; tokensOut: number }[] = [];
    for (const a of d.attempts) {
      if (a.step === 'answer') answers.push({ seq: a.seq, tier: a.tier, accepted: a.outcome !== 'bad_answer', score: null, tokensIn: a.tokensIn, tokensOut: a.tokensOut });
      else if (a.step === 'judge:model' && answers.length > 0) {
        const m = SCORE.exec(a.detail ?? '');
        if (m) answers[answers.length - 1].score = Number(m[1]);
      }
    }
    const first = answers.findIndex((a) => a.score !== null);
    if (first < 0) continue;
    if (!recordedThreshold.has(j.band)) recordedThreshold.set(j.band, j.acceptThreshold);
    r.decisions++;
    r.costBefore += d.costUsd;
    // Replay the chain from the first model-scored answer: the first answer the draft accepts ends it.
    let cost = d.attempts.filter((a) => a.seq < answers[first].seq).reduce((s, a) => s + a.costUsd, 0);
    let deliveredAt: number | null = null;
    for (let k = first; k < answers.length; k++) {
      const a = answers[k];
      const isLast = k === answers.length - 1;
      const nextSeq = isLast ? Infinity : answers[k + 1].seq;
      const own = d.attempts.filter((x) => x.seq >= a.seq && x.seq < nextSeq).reduce((s, x) => s + x.costUsd, 0);
      cost += own;
      if (a.score === null) {
        // Not scored by the model (another judge decided first, or the final tier): as recorded.
        if (a.accepted) {
          deliveredAt = k;
          break;
        }
        continue;
      }
      r.answers++;
      if (a.accepted) r.acceptedBefore++;
      const v = modelVerdict(a.score, draftBand.acceptThreshold, draftBand.uncertainBelow, later);
      // Abstaining leaves it to the later judges: their recorded verdict when they ran, else (they did not
      // run because the model decided) the recorded outcome, the one thing known.
      const acceptedAfter = v === 'accept' ? true : v === 'reject' ? false : a.accepted;
      if (acceptedAfter) r.acceptedAfter++;
      if (acceptedAfter && !a.accepted) r.nowAccepted++;
      if (!acceptedAfter && a.accepted) {
        r.nowRejected++;
        if (d.ratingsUp > 0 && d.ratingsUp >= d.ratingsDown) r.nowRejectedRated.up++;
        else if (d.ratingsDown > 0) r.nowRejectedRated.down++;
      }
      if (k === first) {
        if (!a.accepted) escBefore++;
        if (!acceptedAfter) escAfter++;
      }
      if (acceptedAfter) {
        deliveredAt = k;
        break;
      }
      if (isLast) {
        // The recorded chain ended here; the draft would escalate once more, to the plan's next tier.
        const next = j.chain[j.chain.indexOf(a.tier) + 1];
        if (next) cost += price(byName.get(next), a.tokensIn, a.tokensOut);
        deliveredAt = k;
      }
    }
    r.costAfter += deliveredAt === null ? d.costUsd : cost;
  }
  if (r.decisions === 0) return null;
  r.escalationRate = { before: escBefore / r.decisions, after: escAfter / r.decisions };
  r.thresholds = (['small', 'medium', 'large'] as const).filter((b) => recordedThreshold.has(b)).map((b) => ({ band: b, before: recordedThreshold.get(b) ?? null, after: draft.answerJudging[b].acceptThreshold }));
  return r;
}
