'use client';
import { int, ms, tierClass, usd } from '@/lib/format';
import type { AttemptRecord } from '@/server/decisions/types';

/** An attempt as the page gets it over tRPC (its outcome read as plain text). */
export type AttemptView = Pick<AttemptRecord, 'seq' | 'tierName' | 'step' | 'latencyMs' | 'ttftMs' | 'queueMs' | 'tokensIn' | 'tokensOut' | 'costUsd' | 'detail'> & { outcome: string };

const STEP: Record<string, string> = {
  answer: 'answer',
  plan: 'research: plan',
  sub: 'research: sub-question',
  synthesize: 'research: final answer',
};

const OUTCOME: Record<string, string> = {
  ok: 'answered',
  bad_answer: 'answer rejected by a check',
  error: 'tier error',
  timeout: 'timed out',
  cancelled: 'cancelled',
  // Verdicts of the answer judges (steps 'judge:<judge>').
  accepted: 'judge accepted the answer',
  rejected: 'judge rejected the answer (escalated)',
  abstained: 'judge passed it on',
};

const JUDGE: Record<string, string> = {
  validators: 'judge: answer checks',
  verifiers: 'judge: verifiers (arithmetic, JSON schema)',
  model: 'judge: answer-quality model',
  self_consistency: 'judge: second sample (self-consistency)',
  judge_tier: 'judge: judge tier (LLM grade)',
};

const stepLabel = (step: string) => (step.startsWith('judge:') ? JUDGE[step.slice(6)] ?? step : STEP[step] ?? step);
const good = (o: string) => o === 'ok' || o === 'accepted';

/** Every call the decision made, in order: which tier, for what, what the checks said, and what it cost. */
export function AttemptsTimeline({ attempts }: { attempts: AttemptView[] }) {
  if (attempts.length === 0) return <p className="muted">No tier was called (answered from the cache, or refused before any call).</p>;
  const total = attempts.reduce((s, a) => s + a.costUsd, 0);
  return (
    <ol className="timeline" aria-label="Attempts">
      {attempts.map((a) => (
        <li key={a.seq} className={good(a.outcome) || a.outcome === 'abstained' ? 'ok' : 'bad'}>
          <div className="row" style={{ flexWrap: 'wrap', gap: 8 }}>
            <strong>#{a.seq + 1}</strong>
            <span className={tierClass(a.tierName)}>{a.tierName}</span>
            <span>{stepLabel(a.step)}</span>
            <span className={`badge ${good(a.outcome) ? 'ok' : a.outcome === 'abstained' ? '' : 'error'}`} title={`outcome: ${a.outcome}`}>{OUTCOME[a.outcome] ?? a.outcome}</span>
          </div>
          {a.detail && <div className="small" title="What the answer checks (validators) or the tier said">Check: {a.detail}</div>}
          <div className="small muted">
            {int(a.tokensIn)} → {int(a.tokensOut)} tokens · {usd(a.costUsd)} · {ms(a.latencyMs)}
            {a.queueMs >= 1 ? ` (waited ${ms(a.queueMs)} for a slot)` : ''}
            {a.ttftMs !== null ? ` · first token after ${ms(a.ttftMs)}` : ''}
          </div>
        </li>
      ))}
      <li className="total small">
        {attempts.length} call{attempts.length === 1 ? '' : 's'}, {usd(total)} in all: the decision&apos;s cost.
      </li>
    </ol>
  );
}
