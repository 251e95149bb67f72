// The answer judges of a request: built from the plan's judging settings (present when the band
// answers by cascade), the active answer-quality model and the policy's validators.
import { createAnswerJudge } from '../judging/answer-judge';
import type { AnswerJudge } from '../routing/ports';
import type { RequestContext } from './context';

export function judgeFor(ctx: RequestContext, streaming: boolean): AnswerJudge | undefined {
  if (ctx.plan.kind !== 'cascade' || !ctx.plan.judging) return undefined;
  const j = ctx.plan.judging;
  return createAnswerJudge(j, { tiers: ctx.deps.tiers, scorer: ctx.deps.answerModel?.current() ?? null, shadow: ctx.deps.answerModel?.shadow?.() ?? null, validators: ctx.policy.validators }, { recordOnly: streaming && j.stream === 'unjudged' });
}
