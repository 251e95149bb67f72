// The answer judges of a request: built from the plan's judging settings (present when the band
// answers by cascade), the active answer-quality model and the policy's validators. When the policy
// keeps this request for training, each judged answer's verdict and features go to the context.
import { createAnswerJudge, type JudgedAnswer } from '../judging/answer-judge';
import type { TrainingTarget } from '../decisions/types';
import type { AnswerJudge } from '../routing/ports';
import { trainingKeep, type Policy } from '../routing/policy';
import type { RequestContext } from './context';

/** Which policy target a tier serves (the smallest, when it serves several). */
export function targetOf(policy: Policy, tier: string | null): TrainingTarget | null {
  if (!tier) return null;
  return (['small', 'medium', 'large'] as const).find((t) => policy.targets[t] === tier) ?? null;
}

export function judgeFor(ctx: RequestContext, streaming: boolean): AnswerJudge | undefined {
  if (ctx.plan.kind !== 'cascade' || !ctx.plan.judging) return undefined;
  const j = ctx.plan.judging;
  const keep = trainingKeep(ctx.policy, ctx.principal.apiKeyId);
  const onJudged = keep === 'off' ? undefined : (a: JudgedAnswer) => {
    ctx.judged.push({ tier: a.tier, target: targetOf(ctx.policy, a.tier), accepted: a.accepted, decidedBy: a.decidedBy, score: a.score, features: Array.from(a.features), ...(keep === 'full' ? { text: a.content } : {}) });
  };
  return createAnswerJudge(j, { tiers: ctx.deps.tiers, scorer: ctx.deps.answerModel?.current() ?? null, shadow: ctx.deps.answerModel?.shadow?.() ?? null, validators: ctx.policy.validators }, { recordOnly: streaming && j.stream === 'unjudged', onJudged });
}
