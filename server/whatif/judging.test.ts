// The judge-score replay: recorded model scores against a draft's accept threshold.
import { describe, expect, it } from 'vitest';
import { defaultPolicy, policySchema, type Policy } from '../routing/policy';
import { replayJudging } from './judging';
import type { JudgedAttempt, JudgedDecision, TierPrice } from './types';

const TIERS: TierPrice[] = [
  { name: 'small', enabled: true, inputPricePerM: 1, outputPricePerM: 1 },
  { name: 'medium', enabled: true, inputPricePerM: 10, outputPricePerM: 10 },
  { name: 'large', enabled: true, inputPricePerM: 100, outputPricePerM: 100 },
];
const judging = { mode: 'cascade', band: 'small', judges: ['validators', 'verifiers', 'model'], acceptThreshold: 0.5, uncertainBelow: 0.3, judgeAcceptScore: 0.78, stream: 'hold', judgeTier: null };
const plan = { kind: 'cascade', target: 'small', chain: ['small', 'medium', 'large'], judging };
const at = (seq: number, tier: string, step: string, outcome: string, detail: string | null = null, costUsd = 0): JudgedAttempt => ({ seq, tier, step, outcome, detail, costUsd, tokensIn: 1000, tokensOut: 1000 });

function draft(acceptThreshold: number): Policy {
  const b = { mode: 'cascade', acceptThreshold, uncertainBelow: Math.min(0.3, acceptThreshold) };
  return policySchema.parse({ ...defaultPolicy(), answerJudging: { small: b, medium: b, large: b, judgeTier: null } });
}

// Delivered by small (model 0.62 >= 0.5), rated down.
const accepted: JudgedDecision = {
  id: 'a', plan, costUsd: 0.002, ratingsUp: 0, ratingsDown: 1, finalTier: 'small',
  attempts: [at(0, 'small', 'answer', 'ok', null, 0.002), at(1, 'small', 'judge:validators', 'abstained'), at(2, 'small', 'judge:verifiers', 'abstained'), at(3, 'small', 'judge:model', 'accepted', 'accept (score 0.620): P(acceptable) 0.620 >= 0.500')],
};
// Rejected by the model (0.41 < 0.5), escalated to large.
const escalated: JudgedDecision = {
  id: 'b', plan, costUsd: 0.202, ratingsUp: 0, ratingsDown: 0, finalTier: 'large',
  attempts: [at(0, 'small', 'answer', 'bad_answer', 'judged: rejected by model', 0.002), at(1, 'small', 'judge:validators', 'abstained'), at(2, 'small', 'judge:verifiers', 'abstained'), at(3, 'small', 'judge:model', 'rejected', 'reject (score 0.410): P(acceptable) 0.410 < 0.500'), at(4, 'large', 'answer', 'ok', null, 0.2)],
};
// Rejected by the verifiers: the model never scored it, no threshold can change it.
const byVerifiers: JudgedDecision = {
  id: 'c', plan, costUsd: 0.202, ratingsUp: 0, ratingsDown: 0, finalTier: 'large',
  attempts: [at(0, 'small', 'answer', 'bad_answer', null, 0.002), at(1, 'small', 'judge:validators', 'abstained'), at(2, 'small', 'judge:verifiers', 'rejected', 'reject: 1 of 2 arithmetic steps are wrong'), at(3, 'large', 'answer', 'ok', null, 0.2)],
};
const all = [accepted, escalated, byVerifiers];

describe('judge-score replay', () => {
  it('changes nothing under the recorded threshold', () => {
    const r = replayJudging(all, draft(0.5), TIERS)!;
    expect(r).toMatchObject({ decisions: 2, answers: 2, acceptedBefore: 1, acceptedAfter: 1, nowAccepted: 0, nowRejected: 0, escalationRate: { before: 0.5, after: 0.5 } });
    expect(r.costAfter).toBeCloseTo(r.costBefore, 12);
    expect(r.thresholds).toEqual([{ band: 'small', before: 0.5, after: 0.5 }]);
  });

  it('a higher threshold escalates the delivered answer (and says its users rated it down), at the next tier’s price', () => {
    const r = replayJudging(all, draft(0.7), TIERS)!;
    expect(r).toMatchObject({ acceptedAfter: 0, nowRejected: 1, nowAccepted: 0, nowRejectedRated: { up: 0, down: 1 }, escalationRate: { before: 0.5, after: 1 } });
    // + medium at 2,000 tokens x $10/M
    expect(r.costAfter - r.costBefore).toBeCloseTo(0.02, 12);
  });

  it('a lower threshold delivers the escalated answer and saves the large tier’s call', () => {
    const r = replayJudging(all, draft(0.4), TIERS)!;
    expect(r).toMatchObject({ acceptedAfter: 2, nowAccepted: 1, nowRejected: 0, escalationRate: { before: 0.5, after: 0 } });
    expect(r.costBefore - r.costAfter).toBeCloseTo(0.2, 12);
  });

  it('is null when no decision has a model score', () => {
    expect(replayJudging([byVerifiers], draft(0.5), TIERS)).toBeNull();
  });
});
