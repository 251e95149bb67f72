'use client';
import Link from 'next/link';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { filtersFromSearch } from '@/server/analytics/filters';
import { int, ms, pct, usd } from '@/lib/format';
import { errorText, useTRPC } from '@/lib/trpc';
import { useUrlParams } from '@/lib/url-state';
import { BarsChart } from '../charts/BarsChart';
import { RateChart } from '../charts/RateChart';
import { SavingsChart } from '../charts/SavingsChart';
import { StackedChart } from '../charts/StackedChart';
import { SuccessGrid } from '../charts/SuccessGrid';
import { ThresholdChart } from '../charts/ThresholdChart';
import { countFmt, pctFmt, usdFmt } from '../charts/palette';
import { DecisionFilters } from '../decisions/DecisionFilters';

const QUICK = [
  { label: '24 h', days: 1 },
  { label: '7 d', days: 7 },
  { label: '30 d', days: 30 },
  { label: '90 d', days: 90 },
];

function Kpi({ label, value, sub }: { label: string; value: string; sub?: string }) {
  return (
    <div className="panel kpi">
      <div className="label">{label}</div>
      <div className="value">{value}</div>
      {sub && <div className="small muted">{sub}</div>}
    </div>
  );
}

function Card({ title, children, id }: { title: string; children: React.ReactNode; id: string }) {
  return (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function DashboardView() {
  const trpc = useTRPC();
  const [params, setParams] = useUrlParams();
  // Rounded to the minute so the query key (and cache) is stable between renders.
  const now = useMemo(() => new Date(Math.ceil(Date.now() / 60_000) * 60_000), []);
  const { filters, error } = useMemo(() => filtersFromSearch(new URLSearchParams(params), now), [params, now]);
  const options = useQuery(trpc.analytics.filterOptions.queryOptions());
  const q = useQuery(trpc.analytics.dashboard.queryOptions(filters, { placeholderData: (p) => p }));
  const d = q.data;

  return (
    <div className="stack">
      <div className="panel">
        <div className="row" role="group" aria-label="Quick ranges" style={{ marginBottom: 10 }}>
          {QUICK.map((r) => (
            <button
              key={r.label}
              type="button"
              className="secondary"
              onClick={() => setParams({ from: new Date(now.getTime() - r.days * 86_400_000).toISOString(), to: now.toISOString() })}
            >
              Last {r.label}
            </button>
          ))}
          <span className="spacer" />
          <span className="small muted" aria-live="polite">
            {q.isFetching ? 'Updating…' : d ? `${d.granularity === 'hour' ? 'Hourly buckets (UTC hours)' : 'Daily buckets (UTC days)'} · ${filters.from.toISOString().slice(0, 16).replace('T', ' ')} → ${filters.to.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}
          </span>
        </div>
        <DecisionFilters params={params} setParams={setParams} options={options.data} fields={['range', 'apiKeyId', 'tier', 'band', 'policyVersion']} />
        {error && <div className="alert" role="alert">Invalid filter in the URL ({error}); showing the last 7 days.</div>}
      </div>
      {q.error && <div className="alert" role="alert">{errorText(q.error)}</div>}
      {!d && !q.error && <div className="panel empty">Loading…</div>}
      {d && (
        <>
          {d.totals.requests === 0 && (
            <div className="notice" role="status">
              No traffic matches these filters in this range yet. On a new install, ask something in <Link href="/chat">Chat</Link>, call the
              API, or load two weeks of synthetic demo traffic with <code>npm run cascade -- seed-demo</code>.
            </div>
          )}
          <div className="grid grid-4">
            <Kpi label="Requests" value={int(d.cards.requests)} sub={`${pct(d.cards.requests ? d.totals.errors / d.cards.requests : null)} errors`} />
            <Kpi label="Spent" value={usd(d.cards.spentUsd)} sub={`if all went to the large tier: ${usd(d.cards.baselineUsd)}`} />
            <Kpi label="Saved" value={usd(d.cards.savedUsd)} sub={`${pct(d.cards.savedShare)} of that`} />
            <Kpi label="Cache hit rate" value={pct(d.cards.cacheHitRate)} sub={`${int(d.cache.points.reduce((a, p) => a + p.count, 0))} answers from the cache · escalations ${pct(d.cards.escalationRate)}`} />
          </div>
          <div className="grid grid-2">
            <Card id="c-cost" title="Cost by tier">
              <StackedChart data={d.cost} kind="bar" valueFormat={usdFmt} label="Cost per bucket stacked by tier" />
            </Card>
            <Card id="c-savings" title="Savings vs always-large">
              <SavingsChart data={d.savings} />
              <p className="small muted" style={{ margin: '6px 0 0' }}>
                Share of baseline saved by routing {pct(d.savings.byRouting)}, by the cache {pct(d.savings.byCache)}
                {d.savings.lostToEscalation ? `, lost to escalations ${pct(d.savings.lostToEscalation)}` : ''}.
              </p>
            </Card>
            <Card id="c-traffic" title="Traffic by band">
              <StackedChart data={d.traffic} kind="bar" integer valueFormat={countFmt} label="Requests per bucket stacked by complexity band" />
            </Card>
            <Card id="c-mix" title="Tier mix">
              {d.tierMix.length === 0 ? <div className="empty">No traffic.</div> : (
                <BarsChart data={d.tierMix} category="name" bars={[{ key: 'share', name: 'share of requests', color: '#4f46e5' }]} label="Share of requests per tier" format={pctFmt} colorByCategory />
              )}
            </Card>
            <Card id="c-success" title="Success rate by tier × band (95% CI)">
              <SuccessGrid tiers={d.success.tiers} bands={d.success.bands} cells={d.success.cells} />
            </Card>
            <Card id="c-thresholds" title="Thresholds and success rate">
              <ThresholdChart history={d.thresholds} granularity={d.granularity} />
            </Card>
            <Card id="c-latency" title="Latency by tier">
              {d.latency.length === 0 ? <div className="empty">No traffic.</div> : (
                <BarsChart
                  data={d.latency}
                  category="tier"
                  label="Latency p50, p95 and mean time to first token per tier"
                  format={(v) => ms(typeof v === 'number' ? v : null)}
                  bars={[
                    { key: 'ttftMean', name: 'TTFT (mean)', color: '#a5b4fc' },
                    { key: 'p50', name: 'p50', color: '#4f46e5' },
                    { key: 'p95', name: 'p95', color: '#312e81' },
                  ]}
                />
              )}
            </Card>
            <Card id="c-cache" title="Cache hit rate">
              <RateChart
                points={d.cache.points}
                label="Cache hit rate over time"
                lines={[
                  { key: 'rate', name: 'all hits', color: '#b26a00' },
                  { key: 'exact', name: 'exact', color: '#f59e0b', dashed: true },
                  { key: 'semantic', name: 'semantic', color: '#0ea5e9', dashed: true },
                ]}
              />
            </Card>
            <Card id="c-escalations" title="Escalations">
              <RateChart points={d.escalations.points} label="Escalation rate over time" height={180} lines={[{ key: 'rate', name: 'escalation rate', color: '#c62828' }]} />
              {d.escalations.reasons.length > 0 ? (
                <BarsChart data={d.escalations.reasons} category="name" height={160} label="Escalation reasons" bars={[{ key: 'value', name: 'attempts', color: '#ef4444' }]} />
              ) : (
                <p className="small muted">No failed attempts in this range.</p>
              )}
            </Card>
            <Card id="c-judges" title="Answer judges: escalations and accepted cheap answers">
              {d.judges.length === 0 ? (
                <p className="small muted">No answer was judged in this range: every band routes by the prompt alone (policy → answer-side cascade).</p>
              ) : (
                <div className="table-wrap">
                  <table aria-label="Answer judges">
                    <thead><tr><th>Judge</th><th className="num">Answers seen</th><th className="num">Escalation rate</th><th className="num">Share of escalations</th><th className="num">Accepted</th><th>Accepted answers rated up (95% interval)</th></tr></thead>
                    <tbody>
                      {d.judges.map((j) => (
                        <tr key={j.judge}>
                          <td>{j.judge}</td>
                          <td className="num">{int(j.seen)}</td>
                          <td className="num">{j.escalationRate === null ? '–' : pct(j.escalationRate)}</td>
                          <td className="num">{j.shareOfEscalations === null ? '–' : pct(j.shareOfEscalations, 0)}</td>
                          <td className="num">{int(j.accepted)}</td>
                          <td className="small">{j.acceptedSuccess ? `${pct(j.acceptedSuccess.rate)} [${pct(j.acceptedSuccess.low)}–${pct(j.acceptedSuccess.high)}] of ${int(j.acceptedRated)}` : 'no ratings'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Card>
          </div>
        </>
      )}
    </div>
  );
}
