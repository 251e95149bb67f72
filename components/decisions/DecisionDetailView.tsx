'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { dateTime, int, ms, pct, tierClass, usd } from '@/lib/format';
import { errorText, useTRPC } from '@/lib/trpc';
import { BANDS } from '@/server/complexity/types';
import { Markdown } from '../Markdown';

const BAND_ORDER: readonly string[] = BANDS;

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">–</span>;
  return <pre>{JSON.stringify(value, null, 2)}</pre>;
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

// Judge verdict rows (step 'judge:<judge>') say accepted / rejected / abstained: an abstention is neutral.
const outcomeClass = (o: string) => (o === 'ok' || o === 'accepted' ? 'ok' : o === 'abstained' ? '' : 'error');

export function DecisionDetailView({ id }: { id: string }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.analytics.decision.queryOptions({ id }, { retry: false }));
  if (q.isPending) return <div className="panel empty">Loading…</div>;
  if (q.error) return <div className="alert" role="alert">{errorText(q.error)}</div>;
  const d = q.data;
  const probs = (d.probs ?? {}) as Record<string, number>;
  const maxCf = Math.max(...d.counterfactual.map((c) => c.costUsd), 1e-12);
  const note = cacheNote(d.plan);

  return (
    <div className="stack">
      <div className="grid grid-4">
        <div className="panel kpi"><div className="label">Tier</div><div className="value">{d.finalTier ? <span className={tierClass(d.finalTier)}>{d.finalTier}</span> : '–'}</div></div>
        <div className="panel kpi"><div className="label">Cost</div><div className="value">{usd(d.costUsd)}</div><div className="small muted">baseline {usd(d.baselineCostUsd)}</div></div>
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
          <h2 style={{ marginTop: 16 }}>Counterfactual cost per tier</h2>
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
        </section>
      </div>
      <section className="panel" aria-labelledby="h-attempts">
        <h2 id="h-attempts">Attempts</h2>
        <div className="table-wrap">
          <table aria-label="Attempts">
            <thead><tr><th>#</th><th>Tier</th><th>Step</th><th>Outcome</th><th className="num">Queue</th><th className="num">TTFT</th><th className="num">Latency</th><th className="num">Tokens in/out</th><th className="num">Cost</th><th>Detail</th></tr></thead>
            <tbody>
              {d.attempts.map((a) => (
                <tr key={a.seq}>
                  <td>{a.seq}</td>
                  <td><span className={tierClass(a.tierName)}>{a.tierName}</span></td>
                  <td>{a.step}</td>
                  <td><span className={`badge ${outcomeClass(a.outcome)}`}>{a.outcome}</span></td>
                  <td className="num">{ms(a.queueMs)}</td>
                  <td className="num">{ms(a.ttftMs)}</td>
                  <td className="num">{ms(a.latencyMs)}</td>
                  <td className="num">{int(a.tokensIn)} / {int(a.tokensOut)}</td>
                  <td className="num">{usd(a.costUsd)}</td>
                  <td className="small">{a.detail ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {d.attempts.length === 0 && <div className="empty">No tier was called (cache hit or rejected).</div>}
        </div>
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
          <Json value={d.plan} />
        </section>
      </div>
      <section className="panel" aria-labelledby="h-signals">
        <h2 id="h-signals">Signals</h2>
        <Json value={d.signals} />
      </section>
      <p><Link href="/decisions">← Back to decisions</Link></p>
    </div>
  );
}
