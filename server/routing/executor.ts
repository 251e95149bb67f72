// The cascade executor (non-streaming): try each tier of the plan's chain in order; escalate on any
// tier failure (error, timeout, 429 after the client's retries, open breaker, full queue) and on an
// answer that fails the policy's checks. Every call is an AttemptRecord.
import type { AttemptRecord } from '../decisions/types';
import type { AnswerExtras, ChatRequest, TierConfig, ToolCall, Usage } from '../tiers/types';
import { AttemptLog, escalationsOf, outcomeOf } from './attempts';
import type { AnswerJudge, TierInvoker } from './ports';
import { checkAnswer, type AnswerToCheck, type ValidatorConfig } from './validators';

export interface ExecuteInput {
  /** Tier names in order (plan.chain). */
  chain: string[];
  request: ChatRequest;
  validators: ValidatorConfig;
  /** Attempt step name ("answer", "plan", "sub:2", ...). */
  step?: string;
  signal?: AbortSignal;
  priority?: number;
  /** Shared log when several executions make one decision (research pipeline). */
  log?: AttemptLog;
  /** The answer-side cascade: judges every non-final tier's answer; a rejected one escalates. */
  judge?: AnswerJudge;
}

export type ExecStatus = 'ok' | 'partial' | 'error';

export interface ExecError {
  /** all_tiers_failed | cancelled | stream_cut | truncated | no_tiers */
  code: string;
  message: string;
}

export interface ExecResult {
  status: ExecStatus;
  tier: TierConfig | null;
  content: string;
  finishReason: string | null;
  usage: Usage | null;
  attempts: AttemptRecord[];
  costUsd: number;
  /** Tier changes after the first attempt of this execution. */
  escalations: number;
  error: ExecError | null;
  /** The answer's tool calls, refusal, logprobs and other choices, for the client. */
  extras?: AnswerExtras;
}

/** What the upstream is asked: logprobs are requested when the confidence check needs them. */
export function upstreamRequest(req: ChatRequest, validators: ValidatorConfig): ChatRequest {
  return validators.minLogprob !== null && req.logprobs === undefined ? { ...req, logprobs: true } : req;
}

export function checkInput(req: ChatRequest, content: string, finishReason: string | null, logprobs: number[] | undefined, toolCalls?: readonly ToolCall[]): AnswerToCheck {
  return { content, finishReason, clientMaxTokens: req.max_tokens ?? null, responseFormat: req.response_format?.type ?? null, logprobs: logprobs ?? null, toolCalls, request: req };
}

export function failureSummary(attempts: AttemptRecord[], from: number): string {
  const parts = attempts.slice(from).map((a) => `${a.tierName}: ${a.outcome}${a.detail ? ` (${a.detail})` : ''}`);
  return parts.length ? `every tier failed: ${parts.join('; ')}` : 'the plan has no tiers';
}

/**
 * Runs the judges on an answer that passed the checks; appends their verdicts to the log and marks
 * the answer's attempt 'bad_answer' when it is rejected. True when the answer may be delivered.
 */
export async function judged(input: ExecuteInput, rec: AttemptRecord, log: AttemptLog, a: { tier: TierConfig; content: string; finishReason: string | null; logprobs?: number[] }): Promise<boolean> {
  const j = input.judge!;
  let o;
  try {
    o = await j.judge({ ...a, request: input.request, signal: input.signal, priority: input.priority });
  } catch (err) {
    // A failing judge must not fail the request: the answer stands, the record says why.
    rec.detail = `judges failed (${err instanceof Error ? err.message : String(err)}); answer delivered unjudged`;
    return true;
  }
  log.append(o.attempts);
  if (o.accepted || j.recordOnly) {
    rec.detail = j.recordOnly ? `streamed unjudged; judges would have ${o.accepted ? 'accepted' : 'rejected'} it: ${o.summary}` : `judged: ${o.summary}`;
    return true;
  }
  rec.outcome = 'bad_answer';
  rec.detail = `judged: ${o.summary}`;
  return false;
}

export async function executeChat(inv: TierInvoker, input: ExecuteInput): Promise<ExecResult> {
  const log = input.log ?? new AttemptLog();
  const first = log.attempts.length;
  const step = input.step ?? 'answer';
  const req = upstreamRequest(input.request, input.validators);
  const done = (r: Omit<ExecResult, 'attempts' | 'costUsd' | 'escalations'>): ExecResult => {
    const mine = log.attempts.slice(first);
    return { ...r, attempts: mine, costUsd: mine.reduce((s, a) => s + a.costUsd, 0), escalations: escalationsOf(mine) };
  };

  for (const [i, name] of input.chain.entries()) {
    const last = i === input.chain.length - 1;
    const tier = inv.tier(name);
    if (!tier) {
      log.missing(name, step);
      continue;
    }
    const a = log.open(tier, step);
    let ans;
    try {
      ans = await inv.chat(name, req, { signal: input.signal, priority: input.priority, onAdmitted: (ms) => a.admitted(ms) });
    } catch (err) {
      const o = outcomeOf(err);
      a.finish(input.signal?.aborted ? 'cancelled' : o.outcome, null, o.detail);
      if (input.signal?.aborted || o.outcome === 'cancelled') {
        return done({ status: 'error', tier: null, content: '', finishReason: null, usage: null, error: { code: 'cancelled', message: 'the request was cancelled' } });
      }
      continue;
    }
    a.firstToken();
    const check = checkAnswer(checkInput(input.request, ans.content, ans.finishReason, ans.logprobs, ans.extras?.toolCalls), input.validators);
    // An empty answer (no text and no tool call) is no answer at all: never delivered, never a 200.
    const empty = isEmptyAnswer(ans.content) && !ans.extras?.toolCalls?.length;
    if (!check.ok || empty) {
      // The last tier's answer is still the best there is: deliver it, but record that it failed.
      const deliver = last && !empty;
      const why = check.ok ? 'empty: the answer is empty' : `${check.check}: ${check.detail}`;
      a.finish('bad_answer', ans.usage, `${why}${deliver ? ' (last tier in the chain: delivered anyway)' : ''}`);
      if (!deliver) continue;
    } else {
      const rec = a.finish('ok', ans.usage, null);
      if (!last && input.judge && !(await judged(input, rec, log, { tier, content: ans.content, finishReason: ans.finishReason, logprobs: ans.logprobs }))) continue;
    }
    return done({ status: 'ok', tier, content: ans.content, finishReason: ans.finishReason, usage: ans.usage, extras: ans.extras, error: null });
  }
  return done({ status: 'error', tier: null, content: '', finishReason: null, usage: null, error: { code: failureCode(input.chain, log.attempts.slice(first)), message: failureSummary(log.attempts, first) } });
}

/** No text and no tool call: nothing to deliver. */
export const isEmptyAnswer = (content: string, toolCalls?: readonly ToolCall[]) => content.trim().length === 0 && !toolCalls?.length;

/**
 * Why no tier answered: 'queue_full' when every tier tried was at capacity (the client should retry
 * later: a 429), else 'all_tiers_failed' (or 'no_tiers' for an empty chain).
 */
export function failureCode(chain: string[], attempts: AttemptRecord[]): string {
  if (chain.length === 0) return 'no_tiers';
  const busy = attempts.length > 0 && attempts.every((a) => a.outcome === 'queue_full' || a.outcome === 'rate_limited');
  return busy ? 'queue_full' : 'all_tiers_failed';
}
