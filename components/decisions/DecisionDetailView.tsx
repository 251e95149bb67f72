'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { dateTime, int, ms, pct, tierClass, usd } from '@/lib/format';
import { errorText, useTRPC } from '@/lib/trpc';
import { BANDS } from '@/server/complexity/types';
import { Markdown } from '../Markdown';
import { AttemptsTimeline } from './AttemptsTimeline';
import { PlanFields } from './PlanFields';
import { SignalFields } from './SignalFields';

const BAND_ORDER: readonly string[] = BANDS;

/** The recorded JSON, folded away: the labelled fields above are what a person reads. */
function RawJson({ value, label }: { value: unknown; label: string }) {
  if (value === null || value === undefined) return null;
  return (
    <details style={{ marginTop: 10 }}>
      <summary className="small muted">{label} as recorded (JSON)</summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}

/** Why the cache answered or was skipped, from the notes the gateway keeps in the recorded plan. */
function cacheNote(plan: unknown): string | null {
  const p = (plan ?? {}) as { cache?: { similarity?: number; threshold?: number; verifier?: string | null }; cacheBypass?: { detail?: string } };
  if (p.cacheBypass?.detail) return p.cacheBypass.detail;
  const c = p.cache;
  if (c && typeof c.similarity === 'number') {
    const th = typeof c.threshold === 'number' ? ` (threshold ${c.threshold.toFixed(2)})` : '';
    return `similarity ${c.similarity.toFixed(3)}${th}${c.verifier ? `, accepted as ${c.verifier}` : ''}`;
  }
  return null;
}

export function DecisionDetailView({ id }: { id: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.analytics.decision.queryOptions({ id }, { retry: false }));
  if (q.isPending) return <div className="panel empty">Loading…</div>;
  if (q.error) return <div className="alert" role="alert">{errorText(q.error)}</div>;
  const d = q.data;
  const probs = (d.probs ?? {}) as Record<string, number>;
  const maxCf = Math.max(...d.counterfactual.map((c) => c.costUsd), 1e-12);
  const note = cacheNote(d.plan);
  const cached = d.cacheStatus === 'exact' || d.cacheStatus === 'semantic';

  return (
    <div className="stack">
      <div className="grid grid-4">
        <div className="panel kpi">
          <div className="label">Answered by</div>
          <div className="value">
            {cached ? <span className="badge cached">the cache</span> : d.finalTier ? <span className={tierClass(d.finalTier)}>{d.finalTier}</span> : '–'}
          </div>
          {cached && d.finalTier && <div className="small muted">an answer {d.finalTier} gave earlier</div>}
        </div>
        <div className="panel kpi">
          <div className="label">Cost</div>
          <div className="value">{cached && d.costUsd === 0 ? '$0' : usd(d.costUsd)}</div>
          <div className="small muted" title="What the same answer would have cost on the large tier (for a cache hit: the answer it reused)">
            on the large tier: {usd(d.baselineCostUsd)}
          </div>
        </div>
        <div className="panel kpi"><div className="label">Latency / first token</div><div className="value">{ms(d.latencyMs)}</div><div className="small muted">TTFT {ms(d.ttftMs)}</div></div>
        <div className="panel kpi"><div className="label">Band / score</div><div className="value">{d.band ?? '–'}</div><div className="small muted">score {d.score === null ? '–' : d.score.toFixed(3)}</div></div>
      </div>
      <div className="grid grid-2">
        <section className="panel" aria-labelledby="h-prompt">
          <h2 id="h-prompt">Prompt (redacted preview)</h2>
          <Markdown text={d.promptPreview} />
          <dl className="kv" style={{ marginTop: 12 }}>
            <dt>Decision</dt><dd><code>{d.id}</code></dd>
            <dt>Time</dt><dd>{dateTime(d.createdAt)} UTC</dd>
            <dt>Source</dt><dd>{d.source}</dd>
            <dt>API</dt><dd data-testid="door">{d.door ?? '–'}</dd>
            <dt>API key</dt><dd>{d.apiKeyId ?? '–'}</dd>
            <dt>Policy version</dt><dd>{d.policyVersion ?? '–'}</dd>
            <dt>Cache</dt><dd data-testid="cache-status">{d.cacheStatus}{note && <span className="muted"> — {note}</span>}</dd>
            <dt>Status</dt><dd><span className={`badge ${d.status === 'ok' ? 'ok' : 'error'}`}>{d.status}</span> {d.errorCode ?? ''}</dd>
            <dt>Tokens</dt><dd>{int(d.tokensIn)} in · {int(d.tokensOut)} out</dd>
          </dl>
        </section>
        <section className="panel" aria-labelledby="h-probs">
          <h2 id="h-probs">Band probabilities</h2>
          {Object.keys(probs).length === 0 && <p className="muted">Not recorded.</p>}
          {Object.entries(probs)
            .sort((a, b) => BAND_ORDER.indexOf(a[0]) - BAND_ORDER.indexOf(b[0]))
            .map(([band, p]) => (
            <div key={band} style={{ marginBottom: 6 }}>
              <div className="row small"><span>{band}</span><span className="spacer" /><span>{pct(p)}</span></div>
              <div className="progress" role="progressbar" aria-label={`${band} probability`} aria-valuenow={Math.round(p * 100)} aria-valuemin={0} aria-valuemax={100}>
                <div style={{ width: `${Math.max(0, Math.min(1, p)) * 100}%` }} />
              </div>
            </div>
          ))}
          <h2 style={{ marginTop: 16 }}>What each tier would have charged</h2>
          {d.counterfactualBasis === null ? (
            <p className="muted small">
              {cached ? 'Answered from the cache: no tier was called, so there is nothing to reprice.' : 'No tier answered, so there is nothing to reprice.'}
            </p>
          ) : (
            <>
              <p className="small muted" style={{ marginTop: 0 }}>
                The answering call&apos;s {int(d.counterfactualBasis.tokensIn)} → {int(d.counterfactualBasis.tokensOut)} tokens (attempt #{d.counterfactualBasis.attemptSeq + 1}) at each tier&apos;s prices.
              </p>
              <table aria-label="Counterfactual cost">
                <tbody>
                  {d.counterfactual.map((c) => (
                    <tr key={c.tier}>
                      <td><span className={tierClass(c.role)}>{c.tier}</span>{c.actual && <strong className="small"> (answered)</strong>}</td>
                      <td style={{ width: '45%' }}><div className="progress"><div style={{ width: `${(c.costUsd / maxCf) * 100}%`, background: c.actual ? 'var(--ok)' : undefined }} /></div></td>
                      <td className="num">{usd(c.costUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      </div>
      <section className="panel" aria-labelledby="h-attempts">
        <h2 id="h-attempts">Attempts</h2>
        <AttemptsTimeline attempts={d.attempts} />
      </section>
      <div className="grid grid-2">
        <section className="panel" aria-labelledby="h-ratings">
          <h2 id="h-ratings">Ratings</h2>
          {d.ratings.length === 0 ? <p className="muted">No ratings.</p> : (
            <ul>
              {d.ratings.map((r, i) => (
                <li key={i}><span className={`badge ${r.rating > 0 ? 'ok' : 'bad'}`}>{r.rating > 0 ? 'up' : 'down'}</span> {r.reason ?? ''} {r.comment ? `— ${r.comment}` : ''} <span className="muted small">({r.kind}, {dateTime(r.createdAt)})</span></li>
              ))}
            </ul>
          )}
        </section>
        <section className="panel" aria-labelledby="h-plan">
          <h2 id="h-plan">Plan</h2>
          <PlanFields plan={d.plan} />
          <RawJson value={d.plan} label="Plan" />
        </section>
      </div>
      <section className="panel" aria-labelledby="h-signals">
        <h2 id="h-signals">What the analyzer saw</h2>
        <SignalFields signals={d.signals} />
        <RawJson value={d.signals} label="Signals" />
      </section>
      <p><Link href="/decisions">← Back to decisions</Link></p>
    </div>
  );
}
