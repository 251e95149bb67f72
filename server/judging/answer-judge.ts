// The answer judges at run time: the AnswerJudge port of the cascade executor, built per request from
// the plan's judging settings. Evidence comes from the answer itself (validators, verifiers, the
// ONNX answer-quality model) and, only when the chain gets that far, from paid calls: a second
// sample of the same tier (self-consistency) and a grading call to the judge tier. Every verdict
// becomes an attempt row (step 'judge:<judge>'), paid calls with their tokens and cost.
import type { AttemptRecord } from '../decisions/types';
import type { JudgingPlan } from '../routing/plan';
import type { AnswerJudge, JudgeInput, JudgeOutcome, TierInvoker } from '../routing/ports';
import { checkAnswer, type ValidatorConfig } from '../routing/validators';
import { costUsd, type ChatRequest, type Usage } from '../tiers/types';
import { runChain, type Evidence, type JudgeName } from './chain';
import { featurize } from './features';
import { finalAnswer } from './final-answer';
import { judgeRequest, parseGrade } from './rubric';
import type { QualityScorer } from './scorer';
import { checkJsonSchema, schemaOf, verifyAnswer } from './verify';

export interface JudgeDeps {
  tiers: TierInvoker;
  /** The active answer-quality model; null when none is loaded (the model judge then abstains). */
  scorer: QualityScorer | null;
  /** A candidate model scored on the same features for the record (shadow), never for the verdict. */
  shadow?: QualityScorer | null;
  validators: ValidatorConfig;
}

export function lastUserText(req: ChatRequest): string {
  return [...req.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

interface Paid {
  tierId: string;
  tierName: string;
  usage: Usage | null;
  costUsd: number;
  ms: number;
}

/** Do two answers reach the same final answer? Numbers compared as numbers, else the last lines as text. */
export function sameFinal(a: string, b: string): boolean {
  const fa = finalAnswer(a, null);
  const fb = finalAnswer(b, null);
  if (fa.value !== null && fb.value !== null) return Math.abs(fa.value - fb.value) <= 1e-6 * Math.max(1, Math.abs(fa.value));
  const last = (t: string) => (t.trim().split('\n').pop() ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  return last(a) === last(b);
}

/** One judged answer, told to whoever keeps it for retraining: the verdict and the model's features. */
export interface JudgedAnswer {
  tier: string;
  accepted: boolean;
  decidedBy: JudgeName | null;
  /** The model judge's P(acceptable), when it ran. */
  score: number | null;
  features: Float32Array;
  content: string;
}

export interface JudgeOptions {
  recordOnly?: boolean;
  /** Called once per judged answer (the features are computed for it even when the model judge did not run). */
  onJudged?: (a: JudgedAnswer) => void;
}

export function createAnswerJudge(plan: JudgingPlan, deps: JudgeDeps, opts: JudgeOptions = {}): AnswerJudge {
  return {
    recordOnly: opts.recordOnly ?? false,
    async judge(input: JudgeInput): Promise<JudgeOutcome> {
      const prompt = lastUserText(input.request);
      const schema = schemaOf(input.request.response_format);
      const wantsJson = input.request.response_format?.type === 'json_object' || input.request.response_format?.type === 'json_schema';
      const paid = new Map<JudgeName, Paid>();
      let shadowNote = '';
      const timing = new Map<JudgeName, number>();
      let features: Float32Array | null = null;
      let modelScore: number | null = null;
      const featuresOf = (): Float32Array => {
        if (features) return features;
        let valid = false;
        if (wantsJson) {
          try {
            JSON.parse(input.content);
            valid = true;
          } catch {
            valid = false;
          }
        }
        features = featurize({ prompt, answer: input.content, finishReason: input.finishReason, logprobs: input.logprobs ?? null, json: wantsJson ? { asked: true, valid, schemaOk: schema ? checkJsonSchema(input.content, schema) === null : null } : null }).values;
        return features;
      };
      const call = async (judge: JudgeName, tierName: string, req: ChatRequest) => {
        const t0 = performance.now();
        const tier = deps.tiers.tier(tierName);
        if (!tier) throw new Error(`tier ${tierName} is not configured`);
        const ans = await deps.tiers.chat(tierName, req, { signal: input.signal, priority: input.priority });
        const cost = costUsd(tier, ans.usage);
        paid.set(judge, { tierId: tier.id, tierName: tier.name, usage: ans.usage, costUsd: cost, ms: performance.now() - t0 });
        return { content: ans.content, cost };
      };
      const timed = <T>(judge: JudgeName, f: () => T): T => {
        const t0 = performance.now();
        const r = f();
        timing.set(judge, performance.now() - t0);
        return r;
      };
      const ev: Evidence = {
        validators: () =>
          timed('validators', () => {
            const c = checkAnswer({ content: input.content, finishReason: input.finishReason, clientMaxTokens: input.request.max_tokens ?? null, responseFormat: input.request.response_format?.type ?? null, logprobs: input.logprobs ?? null }, deps.validators);
            return c.ok ? { ok: true as const } : { ok: false as const, detail: `${c.check}: ${c.detail}` };
          }),
        verifiers: () => timed('verifiers', () => verifyAnswer({ answer: input.content, schema })),
        model: async () => {
          if (!deps.scorer) return null;
          const t0 = performance.now();
          const f = featuresOf();
          const [p] = await deps.scorer.score([f]);
          modelScore = p;
          if (deps.shadow) {
            try {
              const [q] = await deps.shadow.score([f]);
              shadowNote = `; shadow ${deps.shadow.modelVersion} P ${q.toFixed(3)}`;
            } catch (e) {
              shadowNote = `; shadow ${deps.shadow.modelVersion} failed: ${(e as Error).message}`;
            }
          }
          timing.set('model', performance.now() - t0);
          return p;
        },
        selfConsistency: async () => {
          const r = await call('self_consistency', input.tier.name, { ...input.request, temperature: Math.max(0.7, input.request.temperature ?? 0), stream: false });
          const agree = sameFinal(input.content, r.content);
          return { agree, costUsd: r.cost, detail: agree ? 'a second sample reaches the same final answer' : 'a second sample reaches a different final answer' };
        },
        judgeTier: plan.judgeTier
          ? async () => {
              const r = await call('judge_tier', plan.judgeTier!, judgeRequest(input.request, input.content));
              const grade = parseGrade(r.content);
              return { score: grade === null ? null : (grade - 1) / 9, costUsd: r.cost, detail: grade === null ? 'the judge tier gave no [[rating]]' : `judge tier grade ${grade}/10` };
            }
          : undefined,
      };
      const startedAt = new Date();
      const o = await runChain(plan, ev);
      const attempts: Omit<AttemptRecord, 'seq'>[] = o.verdicts.map((v) => {
        const p = paid.get(v.judge);
        return {
          tierId: p?.tierId ?? input.tier.id,
          tierName: p?.tierName ?? input.tier.name,
          step: `judge:${v.judge}`,
          startedAt,
          latencyMs: p?.ms ?? timing.get(v.judge) ?? 0,
          ttftMs: null,
          queueMs: 0,
          tokensIn: p?.usage?.prompt_tokens ?? 0,
          tokensOut: p?.usage?.completion_tokens ?? 0,
          costUsd: v.costUsd,
          outcome: v.verdict === 'accept' ? 'accepted' : v.verdict === 'reject' ? 'rejected' : 'abstained',
          detail: `${v.verdict}${v.score !== null ? ` (score ${v.score.toFixed(3)})` : ''}${v.detail ? `: ${v.detail}` : ''}${v.judge === 'model' ? shadowNote : ''}`,
        };
      });
      opts.onJudged?.({ tier: input.tier.name, accepted: o.accepted, decidedBy: o.decidedBy, score: modelScore, features: featuresOf(), content: input.content });
      const decisive = o.verdicts.find((v) => v.judge === o.decidedBy);
      const summary = decisive ? `${o.accepted ? 'accepted' : 'rejected'} by ${decisive.judge}${decisive.detail ? `: ${decisive.detail}` : ''}` : 'accepted: no judge objected';
      return { accepted: o.accepted, summary, attempts };
    },
  };
}
