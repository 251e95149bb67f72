// The cascade executor for streamed answers. Until the first token reaches the client, any failure
// escalates transparently: a tier error, a stream cut, or an answer whose head fails the checks
// (a non-final tier's first REFUSAL_WINDOW characters are held back for that; JSON answers are held
// whole). Once tokens were sent, a failure ends the stream with an explicit error event and the
// execution is 'partial' — never a silently truncated success.
import { ToolCallAssembler } from '../tiers/tool-calls';
import type { ChatRequest, ToolCall, Usage } from '../tiers/types';
import { AttemptLog, escalationsOf, outcomeOf } from './attempts';
import { checkInput, failureCode, failureSummary, isEmptyAnswer, judged, upstreamRequest, type ExecResult, type ExecuteInput } from './executor';
import type { TierInvoker } from './ports';
import { checkAnswer, checkHead, REFUSAL_WINDOW } from './validators';

export type StreamEvent =
  /** The tier whose tokens follow; sent once, before the first delta. */
  | { type: 'tier'; tier: string }
  | { type: 'delta'; text: string }
  /** The answer's tool calls, whole and checked: held until the tier finished, never streamed raw. */
  | { type: 'tool_calls'; toolCalls: ToolCall[] }
  /** matchedStop: the stop string that ended the answer, when the tier said (vLLM). */
  | { type: 'end'; finishReason: string | null; usage: Usage; matchedStop?: string }
  /** Terminal: the stream failed after tokens were sent, or no tier could answer. */
  | { type: 'error'; code: string; message: string };

export interface StreamExecution {
  events: AsyncGenerator<StreamEvent, void, undefined>;
  /** Settles when the events are exhausted or abandoned. */
  result: Promise<ExecResult>;
}

function estimate(req: ChatRequest, text: string): Usage {
  const p = req.messages.reduce((s, m) => s + Math.ceil(m.content.length / 4) + 4, 3);
  const c = Math.ceil(text.length / 4);
  return { prompt_tokens: p, completion_tokens: c, total_tokens: p + c };
}

export function executeStream(inv: TierInvoker, input: ExecuteInput): StreamExecution {
  let settle!: (r: ExecResult) => void;
  const result = new Promise<ExecResult>((resolve) => (settle = resolve));
  const log = input.log ?? new AttemptLog();
  const first = log.attempts.length;
  const step = input.step ?? 'answer';
  const req = upstreamRequest(input.request, input.validators);
  // JSON answers and answers that may call tools are checked whole before a byte is sent, so a bad
  // one escalates without the client ever seeing it.
  const wantsJson = req.response_format?.type === 'json_object' || req.response_format?.type === 'json_schema' || (req.tools?.length ?? 0) > 0;
  let outcome: Omit<ExecResult, 'attempts' | 'costUsd' | 'escalations'> | null = null;

  async function* run(): AsyncGenerator<StreamEvent, void, undefined> {
    let sent = 0;
    let current: ReturnType<AttemptLog['open']> | null = null;
    let text = '';
    try {
      for (const [i, name] of input.chain.entries()) {
        const last = i === input.chain.length - 1;
        const tier = inv.tier(name);
        if (!tier) {
          log.missing(name, step);
          continue;
        }
        // The last tier has nobody to escalate to: stream it straight through.
        // A judged cheap answer is held whole: it is delivered only once the judges accept it.
        const judging = !last && input.judge !== undefined && !input.judge.recordOnly;
        const holdback = last ? 0 : judging || (wantsJson && input.validators.json) ? Infinity : input.validators.refusal || input.validators.minLogprob !== null ? REFUSAL_WINDOW : 0;
        const a = (current = log.open(tier, step));
        let held = '';
        const heldLp: number[] = [];
        let released = false;
        let finishReason: string | null = null;
        let matchedStop: string | undefined;
        let usage: Usage | null = null;
        let rejected: string | null = null;
        const calls = new ToolCallAssembler();
        let firstAt: number | null = null;
        text = '';
        try {
          for await (const chunk of inv.chatStream(name, req, { signal: input.signal, priority: input.priority, onAdmitted: (ms) => a.admitted(ms) })) {
            if (chunk.toolCallDeltas) {
              a.firstToken();
              calls.add(chunk.toolCallDeltas);
            }
            if (chunk.delta) {
              a.firstToken();
              firstAt ??= performance.now();
              text += chunk.delta;
              if (released) {
                sent++;
                yield { type: 'delta', text: chunk.delta };
                continue;
              }
              held += chunk.delta;
              if (chunk.logprobs) heldLp.push(...chunk.logprobs);
              if (held.length >= holdback) {
                const head = checkHead(held, heldLp, input.validators);
                if (!head.ok) {
                  rejected = `${head.check}: ${head.detail}`;
                  break; // leaving the loop closes the upstream stream
                }
                released = true;
                yield { type: 'tier', tier: tier.name };
                sent++;
                yield { type: 'delta', text: held };
              }
            }
            if (chunk.finishReason !== undefined) {
              finishReason = chunk.finishReason;
              usage = chunk.usage ?? null;
              matchedStop = chunk.matchedStop;
            }
          }
        } catch (err) {
          const o = outcomeOf(err);
          const cancelled = input.signal?.aborted || o.outcome === 'cancelled';
          current = null;
          a.finish(cancelled ? 'cancelled' : o.outcome, text ? estimate(req, text) : null, o.detail);
          if (sent > 0) {
            outcome = { status: 'partial', tier, content: text, finishReason: null, usage: null, error: { code: 'stream_cut', message: `${tier.name} failed after ${sent} chunks were sent: ${o.detail}` } };
            yield { type: 'error', code: 'stream_cut', message: `the answer was cut off: ${o.detail}` };
            return;
          }
          if (cancelled) {
            outcome = { status: 'error', tier: null, content: '', finishReason: null, usage: null, error: { code: 'cancelled', message: 'the request was cancelled' } };
            return;
          }
          continue;
        }
        current = null;
        if (rejected) {
          a.finish('bad_answer', estimate(req, text), rejected);
          continue;
        }
        const u = usage ?? estimate(req, text);
        const toolCalls = calls.size > 0 ? calls.toolCalls() : undefined;
        const check = checkAnswer(checkInput(input.request, text, finishReason, heldLp.length ? heldLp : undefined, toolCalls), input.validators);
        if (!released) {
          if ((!check.ok && !last) || (isEmptyAnswer(text) && !toolCalls)) {
            a.finish('bad_answer', u, check.ok ? 'empty: the answer is empty' : `${check.check}: ${check.detail}`);
            continue;
          }
          if (check.ok && judging) {
            const rec = a.finish('ok', u, null);
            const lp = heldLp.length ? heldLp : undefined;
            if (!(await judged(input, rec, log, { tier, content: text, finishReason, logprobs: lp }))) continue;
            // What holding the answer for the judges cost the client's time to first token.
            rec.detail = `${rec.detail ?? ''}; held ${Math.round(performance.now() - (firstAt ?? performance.now()))} ms after its first token until judged`;
            outcome = { status: 'ok', tier, content: text, finishReason, usage: u, error: null };
            yield { type: 'tier', tier: tier.name };
            if (held) yield { type: 'delta', text: held };
            yield { type: 'end', finishReason, usage: u, ...(matchedStop !== undefined ? { matchedStop } : {}) };
            return;
          }
          yield { type: 'tier', tier: tier.name };
          if (held) yield { type: 'delta', text: held };
        }
        if (check.ok) {
          const rec = a.finish('ok', u, null);
          // Streamed unjudged by the admin's choice: the judges still give their verdict, for the record.
          if (!last && input.judge?.recordOnly) await judged(input, rec, log, { tier, content: text, finishReason, logprobs: heldLp.length ? heldLp : undefined });
          outcome = { status: 'ok', tier, content: text, finishReason, usage: u, error: null, extras: toolCalls ? { toolCalls } : undefined };
        } else {
          // Already streamed (or the last tier): the client has it, the record says what was wrong.
          a.finish('bad_answer', u, `${check.check}: ${check.detail} (already streamed: delivered)`);
          const truncated = check.check === 'truncated';
          outcome = { status: truncated ? 'partial' : 'ok', tier, content: text, finishReason, usage: u, error: truncated ? { code: 'truncated', message: check.detail } : null, extras: toolCalls ? { toolCalls } : undefined };
        }
        if (toolCalls) yield { type: 'tool_calls', toolCalls };
        yield { type: 'end', finishReason, usage: u, ...(matchedStop !== undefined ? { matchedStop } : {}) };
        return;
      }
      const message = failureSummary(log.attempts, first);
      outcome = { status: 'error', tier: null, content: '', finishReason: null, usage: null, error: { code: failureCode(input.chain, log.attempts.slice(first)), message } };
      yield { type: 'error', code: outcome.error!.code, message };
    } finally {
      // The consumer went away mid-stream (client disconnected): record it as cancelled.
      if (current) current.finish('cancelled', text ? estimate(req, text) : null, 'the client stopped reading');
      if (!outcome) {
        outcome = sent > 0
          ? { status: 'partial', tier: null, content: text, finishReason: null, usage: null, error: { code: 'cancelled', message: 'the client stopped reading mid-answer' } }
          : { status: 'error', tier: null, content: '', finishReason: null, usage: null, error: { code: 'cancelled', message: 'the request was cancelled' } };
      }
      const mine = log.attempts.slice(first);
      settle({ ...outcome, attempts: mine, costUsd: mine.reduce((s, x) => s + x.costUsd, 0), escalations: escalationsOf(mine) });
    }
  }

  const events = run();
  return { events, result };
}
