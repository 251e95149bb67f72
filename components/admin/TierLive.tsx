'use client';
// Live health, queue and load per tier, polled from the running gateway every few seconds.
import { useQuery } from '@tanstack/react-query';
import { dateTime, int, ms, pct, tierClass } from '@/lib/format';
import { errorText, useTRPC } from '@/lib/trpc';

export const LIVE_REFRESH_MS = 3000;

const HEALTH_CLASS: Record<string, string> = { ok: 'badge ok', busy: 'badge cached', saturated: 'badge bad', recovering: 'badge escalated', down: 'badge bad', degraded: 'badge escalated', disabled: 'badge' };

function Load({ used, limit, label }: { used: number; limit: number; label: string }) {
  const share = limit > 0 ? Math.min(1, used / limit) : 0;
  return (
    <div className="row" style={{ flexWrap: 'nowrap', gap: 8 }}>
      <div className="progress" style={{ width: 80, flex: 'none' }} role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={limit} aria-valuenow={used} aria-valuetext={`${used} of ${limit}`}>
        <div style={{ width: `${share * 100}%`, background: share >= 1 ? 'var(--bad)' : share >= 0.75 ? 'var(--warn)' : undefined }} />
      </div>
      <span className="small" style={{ whiteSpace: 'nowrap' }}>{int(used)} / {int(limit)}</span>
    </div>
  );
}

export function TierLive() {
  const trpc = useTRPC();
  const live = useQuery(trpc.tiers.live.queryOptions(undefined, { refetchInterval: LIVE_REFRESH_MS, refetchIntervalInBackground: false, staleTime: 0 }));
  const rows = live.data?.tiers ?? [];
  return (
    <section className="panel" aria-labelledby="tiers-live">
      <div className="row" style={{ marginBottom: 8 }}>
        <h2 id="tiers-live" style={{ margin: 0 }}>Live health and load</h2>
        <span className="spacer" />
        <span className="small muted">
          {live.data ? `as of ${dateTime(live.data.at).slice(11)} UTC · refreshes every ${LIVE_REFRESH_MS / 1000} s` : 'loading…'}
          {live.isFetching && live.data ? ' · updating' : ''}
        </span>
      </div>
      {live.error && <div className="alert" role="alert">{errorText(live.error)}</div>}
      <div className="table-wrap">
        <table aria-label="Live tier load">
          <thead>
            <tr>
              <th>Tier</th><th>Health</th><th>Breaker</th><th>In flight / limit</th><th className="num">Queued</th>
              <th className="num">vLLM running</th><th className="num">vLLM waiting</th><th className="num">KV cache</th>
              <th className="num">Latency p50</th><th className="num">Latency avg</th><th className="num">Queue wait</th><th className="num">Refused</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.name}>
                <td>
                  <strong>{t.name}</strong> <span className={tierClass(t.role)}>{t.role}</span>
                  {t.upstream?.maxModelLen != null && <div className="small muted" title="max_model_len from the server's /v1/models: routing's context window unless the tier sets one">context {int(t.upstream.maxModelLen)} (vLLM)</div>}
                </td>
                <td><span className={HEALTH_CLASS[t.health] ?? 'badge'}>{t.health}</span> <span className="small muted">{t.reason}</span></td>
                <td className="small">{t.breaker}</td>
                <td><Load used={t.inFlight} limit={t.maxConcurrency} label={`${t.name} in flight of its concurrency limit`} /></td>
                <td className="num">{int(t.queued)}{t.maxQueue !== null && <span className="muted small"> / {int(t.maxQueue)}</span>}</td>
                <td className="num">{t.upstream ? int(t.upstream.running) : <span className="muted small">not vLLM</span>}</td>
                <td className="num">{t.upstream ? int(t.upstream.waiting) : '–'}</td>
                <td className="num">{t.upstream ? pct(t.upstream.kvCacheUsage, 0) : '–'}</td>
                <td className="num">{ms(t.p50LatencyMs)}</td>
                <td className="num">{ms(t.ewmaLatencyMs)}</td>
                <td className="num">{ms(t.ewmaQueueMs)}</td>
                <td className="num">{int(t.rejected)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {live.data && rows.length === 0 && <div className="empty">No chat tiers configured.</div>}
      </div>
      <p className="small muted" style={{ margin: '8px 0 0' }}>
        In flight, queued, latency and refusals are this server’s own calls since it started (latency: median of the last 128 calls and a moving average);
        vLLM gauges come from each vLLM tier’s /metrics.
      </p>
    </section>
  );
}
