'use client';
// What-if preview: the draft replayed over the last N recorded decisions (policy.whatIf), refreshed
// after the draft stops changing. The previous result stays on screen, dimmed, while a new one runs.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Policy } from '@/server/routing/policy';
import { dateTime, int, pct, usd } from '@/lib/format';
import { errorText, useTRPCClient } from '@/lib/trpc';
import { useDebounced } from '../../hooks/useDebounced';
import css from './WhatIfPanel.module.css';
import { mixRows, signedPct, SOURCE_TEXT, sourcesText } from './whatif-view';

const SIZES = [100, 500, 1000, 5000, 10_000];

type Success = { rate: number; low: number; high: number; n: number } | null;
/** Fewer ratings than this and a rate says more about chance than about the policy: the panel says so instead. */
const MIN_RATINGS = 10;
const enough = (s: Success): boolean => !!s && s.n >= MIN_RATINGS;
const successText = (s: Success) => {
  if (!s) return 'no ratings';
  return enough(s) ? `${pct(s.rate)} [${pct(s.low)}–${pct(s.high)}]` : `not enough ratings (n=${s.n})`;
};

export function WhatIfPanel({ draft, valid, apiKeys }: { draft: Policy; valid: boolean; apiKeys: { id: string; name: string }[] }) {
  const client = useTRPCClient();
  const [limit, setLimit] = useState(1000);
  const [apiKeyId, setApiKeyId] = useState('');
  // Debounced on the draft's JSON, so a dragged handle replays once it rests, not on every step.
  const current = JSON.stringify(draft);
  const key = useDebounced(current, 400);
  // Only the draft on screen is replayed: while the debounce catches up, `key` may still hold an
  // earlier draft that was invalid (a query for it would come back as an error about a draft the
  // admin already fixed, and stay on screen).
  const settled = key === current;
  const q = useQuery({
    queryKey: ['policy.whatIf', key, limit, apiKeyId],
    queryFn: () => client.policy.whatIf.mutate({ document: JSON.parse(key) as Policy, limit, apiKeyId: apiKeyId || undefined }),
    enabled: valid && settled,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    retry: false,
  });
  const pending = valid && (q.isFetching || !settled);
  const r = q.data;

  return (
    <section className="panel stack" aria-labelledby="p-whatif" aria-busy={pending}>
      <div className="row" style={{ alignItems: 'flex-end' }}>
        <h2 id="p-whatif" style={{ margin: 0 }}>What-if preview</h2>
        <span className="spacer" />
        <div className="field">
          <label htmlFor="whatif-n">Decisions to replay</label>
          <select id="whatif-n" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {SIZES.map((n) => <option key={n} value={n}>last {int(n)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="whatif-key">API key</label>
          <select id="whatif-key" value={apiKeyId} onChange={(e) => setApiKeyId(e.target.value)}>
            <option value="">all traffic</option>
            {apiKeys.map((k) => <option key={k.id} value={k.id}>{k.name}</option>)}
          </select>
        </div>
      </div>
      <div role="status" aria-live="polite" className="small">
        {!valid ? (
          <span className="muted">Fix the draft’s errors to see the preview{r ? ' (below: the last valid draft, dimmed)' : ''}.</span>
        ) : pending ? (
          <span className="row" style={{ gap: 8 }}>
            <span className={css.busy} aria-hidden="true" />
            Replaying the last {int(limit)} decisions under the draft…
          </span>
        ) : q.error ? null : r ? (
          <span className="muted">Replayed {int(r.replayed)} recorded decisions with the draft: {int(r.changed)} would go elsewhere, {int(r.unchanged)} stay, {int(r.kept)} counted as recorded.</span>
        ) : null}
      </div>
      {valid && q.error && <div className="alert" role="alert">{errorText(q.error)}</div>}
      {r && r.replayed === 0 && <div className="empty">No recorded decisions yet: the preview needs traffic to replay.</div>}
      {r && r.replayed > 0 && (
        <div className="stack" style={{ opacity: !valid ? 0.4 : pending ? 0.55 : 1, transition: 'opacity 120ms' }} data-testid="whatif-result" aria-hidden={!valid}>
          <div className="grid grid-4">
            <div className="kpi">
              <div className="label">Decisions replayed</div>
              <div className="value">{int(r.replayed)}</div>
              <div className="small muted">{int(r.changed)} change tier</div>
            </div>
            <div className="kpi">
              <div className="label">Cost (recorded → draft)</div>
              <div className="value" style={{ fontSize: 17 }} data-testid="whatif-cost">{usd(r.before.costUsd)} → {usd(r.after.costUsd)}</div>
              <div className={`small ${r.costDelta > 0 ? 'field-error' : 'muted'}`} style={{ marginTop: 0 }}>{signedPct(r.costDeltaPct)} ({r.costDelta >= 0 ? '+' : '−'}{usd(Math.abs(r.costDelta))})</div>
            </div>
            <div className="kpi">
              <div className="label">Success (recorded → draft, 95% interval)</div>
              <div className="value" style={{ fontSize: 17 }} data-testid="whatif-success">{successText(r.before.success)} → {successText(r.after.success)}</div>
              <div className="small muted">{r.after.success && r.before.success && enough(r.after.success) && enough(r.before.success) ? `${(r.after.success.rate - r.before.success.rate >= 0 ? '+' : '−') + Math.abs((r.after.success.rate - r.before.success.rate) * 100).toFixed(1)} points` : `needs at least ${MIN_RATINGS} ratings on each side`}</div>
            </div>
            <div className="kpi">
              <div className="label">Extrapolated estimates</div>
              <div className="value">{int(r.extrapolated)}</div>
              <div className="small muted">draft side: {sourcesText(r.after.sources)}</div>
            </div>
          </div>
          {r.judging && <JudgingReplay j={r.judging} />}
          <div className="grid grid-2">
            <div className="table-wrap">
              <table aria-label="Tier mix, recorded and with the draft">
                <thead><tr><th>Route</th><th className="num">Recorded</th><th className="num">Draft</th><th className="num">Change</th></tr></thead>
                <tbody>
                  {mixRows(r.before.mix, r.after.mix).map((m) => (
                    <tr key={m.route}>
                      <td>{m.route}</td>
                      <td className="num">{int(m.before)} <span className="muted small">({pct(m.before / r.replayed, 0)})</span></td>
                      <td className="num">{int(m.after)} <span className="muted small">({pct(m.after / r.replayed, 0)})</span></td>
                      <td className="num">{m.delta === 0 ? '–' : `${m.delta > 0 ? '+' : '−'}${int(Math.abs(m.delta))}`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <ul className="small muted" style={{ margin: 0, paddingLeft: 18 }}>
              <li>Recorded side: {sourcesText(r.before.sources)}.</li>
              {r.notes.map((n) => <li key={n}>{n}</li>)}
            </ul>
          </div>
          <h3 style={{ margin: '6px 0 0' }}>Decisions whose tier changes {r.samples.length < r.changed ? <span className="small muted">(first {r.samples.length} of {int(r.changed)})</span> : null}</h3>
          {r.samples.length === 0 ? (
            <p className="muted small" style={{ margin: 0 }}>None: the draft routes every replayed decision where it went.</p>
          ) : (
            <div className="table-wrap">
              <table aria-label="Decisions whose tier changes">
                <thead><tr><th>When (UTC)</th><th>Prompt</th><th className="num">Score</th><th>Band</th><th>Recorded → draft</th><th className="num">Cost</th><th>Success with the draft</th></tr></thead>
                <tbody>
                  {r.samples.map((s) => (
                    <tr key={s.id}>
                      <td className="small"><a href={`/decisions/${s.id}`}>{dateTime(s.createdAt)}</a></td>
                      <td className="small" style={{ maxWidth: 320, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={s.promptPreview}>{s.promptPreview}</td>
                      <td className="num">{s.score === null ? '–' : s.score.toFixed(3)}</td>
                      <td>{s.band ?? '–'}</td>
                      <td>{s.from} → <strong>{s.to}</strong></td>
                      <td className="num small">{usd(s.costBefore)} → {usd(s.costAfter)}</td>
                      <td className="small">{s.successAfter === null ? '–' : pct(s.successAfter, 0)} <span className="muted">({SOURCE_TEXT[s.sourceAfter]})</span></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

type Judging = NonNullable<Awaited<ReturnType<ReturnType<typeof useTRPCClient>['policy']['whatIf']['mutate']>>['judging']>;

/** The answer-quality model's recorded scores against the draft's accept thresholds. */
function JudgingReplay({ j }: { j: Judging }) {
  const rate = (x: number | null) => (x === null ? '–' : pct(x, 0));
  return (
    <div className="panel stack" data-testid="whatif-judging">
      <strong className="small">Answer judges: {int(j.answers)} recorded model scores in {int(j.decisions)} cascaded decisions, replayed at the draft’s accept threshold ({j.thresholds.map((t) => `${t.band} ${t.before === null ? '–' : t.before.toFixed(2)} → ${t.after.toFixed(2)}`).join(', ')})</strong>
      <div className="grid grid-4">
        <div className="kpi"><div className="label">Escalation rate</div><div className="value" style={{ fontSize: 17 }}>{rate(j.escalationRate.before)} → {rate(j.escalationRate.after)}</div></div>
        <div className="kpi"><div className="label">Cheap answers accepted</div><div className="value" style={{ fontSize: 17 }}>{int(j.acceptedBefore)} → {int(j.acceptedAfter)}</div><div className="small muted">+{int(j.nowAccepted)} delivered, −{int(j.nowRejected)} escalated</div></div>
        <div className="kpi"><div className="label">Newly escalated, as rated</div><div className="value" style={{ fontSize: 17 }}>{int(j.nowRejectedRated.down)} down / {int(j.nowRejectedRated.up)} up</div><div className="small muted">thumbs-down ones are caught; thumbs-up ones cost more for nothing</div></div>
        <div className="kpi"><div className="label">Cost of these decisions</div><div className="value" style={{ fontSize: 17 }}>{usd(j.costBefore)} → {usd(j.costAfter)}</div><div className="small muted">an escalation is priced at the next tier with the same tokens</div></div>
      </div>
    </div>
  );
}
