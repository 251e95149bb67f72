// Bookkeeping of tier attempts: one AttemptRecord per call, with timing, tokens, cost and outcome.
import type { AttemptOutcome, AttemptRecord } from '../decisions/types';
import { costUsd, type TierConfig, type Usage } from '../tiers/types';

/** Maps a tier error (TierError or anything thrown) to the attempt outcome and a readable detail. */
export function outcomeOf(err: unknown): { outcome: AttemptOutcome; detail: string } {
  const kind = (err as { kind?: unknown } | null)?.kind;
  const detail = err instanceof Error ? err.message : String(err);
  switch (kind) {
    case 'timeout':
      return { outcome: 'timeout', detail };
    case 'rate_limited':
      return { outcome: 'rate_limited', detail };
    case 'circuit_open':
      return { outcome: 'circuit_open', detail };
    case 'queue_full':
      return { outcome: 'queue_full', detail };
    case 'stream_cut':
      return { outcome: 'stream_cut', detail };
    case 'cancelled':
      return { outcome: 'cancelled', detail };
    default:
      return { outcome: 'error', detail };
  }
}

/** A judge's verdict row rather than a tier's answer (does not count as an escalation). */
export const isJudgeAttempt = (a: Pick<AttemptRecord, 'step'>) => a.step.startsWith('judge:');

/** The last answer attempt (judge verdict rows aside): the one whose answer was delivered or failed. */
export const lastAnswerAttempt = <A extends Pick<AttemptRecord, 'step'>>(attempts: readonly A[]): A | null => {
  for (let i = attempts.length - 1; i >= 0; i--) if (!isJudgeAttempt(attempts[i])) return attempts[i];
  return null;
};

/** Escalations of an execution: answers after the first, judge verdicts aside. */
export const escalationsOf = (attempts: AttemptRecord[]) => Math.max(0, attempts.filter((a) => !isJudgeAttempt(a)).length - 1);

export interface OpenAttempt {
  readonly tier: TierConfig;
  admitted(queueMs: number): void;
  firstToken(): void;
  finish(outcome: AttemptOutcome, usage: Usage | null, detail: string | null): AttemptRecord;
}

export class AttemptLog {
  readonly attempts: AttemptRecord[] = [];

  get costUsd(): number {
    return this.attempts.reduce((s, a) => s + a.costUsd, 0);
  }

  open(tier: TierConfig, step: string): OpenAttempt {
    const startedAt = new Date();
    const t0 = performance.now();
    let queueMs = 0;
    let ttftMs: number | null = null;
    const log = this.attempts;
    return {
      tier,
      admitted(ms) {
        queueMs = Math.max(0, ms);
      },
      firstToken() {
        ttftMs ??= performance.now() - t0;
      },
      finish(outcome, usage, detail) {
        const rec: AttemptRecord = {
          seq: log.length,
          tierId: tier.id,
          tierName: tier.name,
          step,
          startedAt,
          latencyMs: performance.now() - t0,
          ttftMs,
          queueMs,
          tokensIn: usage?.prompt_tokens ?? 0,
          tokensOut: usage?.completion_tokens ?? 0,
          // Failed answers that produced tokens were paid for: their cost counts.
          costUsd: usage ? costUsd(tier, usage) : 0,
          outcome,
          detail,
        };
        log.push(rec);
        return rec;
      },
    };
  }

  /** Appends records made elsewhere (the judges' verdicts), numbered in this log's order. */
  append(records: Omit<AttemptRecord, 'seq'>[]): void {
    for (const r of records) this.attempts.push({ ...r, seq: this.attempts.length });
  }

  /** Records a tier that could not even be called (unknown to the registry). */
  missing(name: string, step: string): void {
    this.attempts.push({
      seq: this.attempts.length, tierId: '', tierName: name, step, startedAt: new Date(), latencyMs: 0, ttftMs: null,
      queueMs: 0, tokensIn: 0, tokensOut: 0, costUsd: 0, outcome: 'error', detail: `tier ${name} is not configured`,
    });
  }
}
