// What a decision keeps for retraining, as the policy's `training` setting says (nothing by default):
// the complexity classifier's features of the assessed prompt and the judged answers' features, and
// for a key opted in to full text, the messages and the judged answers' text as well.
import type { TrainingRecord } from '../decisions/types';
import { trainingKeep } from '../routing/policy';
import type { RecordContext } from './context';
import { targetOf } from './judge-step';

export function trainingOf(ctx: RecordContext, finalTier: string | null): TrainingRecord | undefined {
  const keep = trainingKeep(ctx.policy, ctx.principal.apiKeyId);
  if (keep === 'off') return undefined;
  const a = ctx.assessment;
  let complexity: TrainingRecord['complexity'] = null;
  if (a && a.modelVersion !== 'fallback' && ctx.deps.analyzer.featuresOf) {
    try {
      // The text the assessment was made of: an agent turn may have been assessed on its task (complexity/turn.ts).
      const text = a.signals.agent?.assessed === 'task' ? (ctx.req.messages.find((m) => m.role === 'user')?.content ?? ctx.prompt) : ctx.prompt;
      complexity = { model: a.modelVersion, ...ctx.deps.analyzer.featuresOf(text) };
    } catch {
      complexity = null; // the features are a bonus for later; never a reason to lose the decision
    }
  }
  const out: TrainingRecord = { complexity, answers: ctx.judged, finalTarget: targetOf(ctx.policy, finalTier) };
  if (keep === 'full') out.messages = ctx.req.messages.map((m) => ({ role: m.role, content: m.content ?? '' }));
  return out;
}
