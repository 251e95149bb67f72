'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { int, pct, usd } from '@/lib/format';
import { errorText, useTRPC } from '@/lib/trpc';

/** A job's cost: total, what the same answers would have cost on the large tier, savings, per tier. */
export function BatchCostSummary({ jobId, jobName, progress }: { jobId: string; jobName: string; progress: { status: string; done: number; failed: number } }) {
  const trpc = useTRPC();
  const q = useQuery(trpc.batch.summary.queryOptions({ id: jobId }));
  const { refetch } = q;
  // The job list polls progress; the summary follows it (including the last change, when the job finishes).
  const key = `${progress.status}:${progress.done}:${progress.failed}`;
  const seen = useRef(key);
  useEffect(() => {
    if (seen.current === key) return;
    seen.current = key;
    void refetch();
  }, [key, refetch]);
  if (q.error) return <div className="alert" role="alert">{errorText(q.error)}</div>;
  if (!q.data) return <div className="small muted">Loading the cost summary…</div>;
  const { summary, savings } = q.data;
  return (
    <div className="stack" style={{ gap: 10 }}>
      <div className="grid grid-4">
        <div className="kpi"><div className="label">Total cost</div><div className="value">{usd(savings.costUsd)}</div><div className="small muted">{usd(summary.avgCostUsd)} per answered item</div></div>
        <div className="kpi"><div className="label">If all had gone to {savings.largeTier ?? 'large'}</div><div className="value">{savings.largeTier ? usd(savings.costIfLargeUsd) : '–'}</div><div className="small muted">same tokens at its prices</div></div>
        <div className="kpi"><div className="label">Saved by routing</div><div className="value" style={{ color: savings.savedUsd >= 0 ? 'var(--ok)' : 'var(--bad)' }}>{savings.largeTier ? usd(savings.savedUsd) : '–'}</div><div className="small muted">{savings.savedShare === null ? 'no baseline yet' : `${pct(savings.savedShare)} of the large-tier cost`}</div></div>
        <div className="kpi"><div className="label">Tokens</div><div className="value" style={{ fontSize: 17 }}>{int(summary.tokensIn)} in · {int(summary.tokensOut)} out</div><div className="small muted">{int(summary.done)} answered · {int(summary.failed)} failed{summary.pending ? ` · ${int(summary.pending)} pending` : ''}{summary.cancelled ? ` · ${int(summary.cancelled)} cancelled` : ''}</div></div>
      </div>
      <div className="table-wrap">
        <table aria-label={`Cost per tier of ${jobName}`}>
          <thead><tr><th>Answered by</th><th className="num">Items</th><th className="num">Done</th><th className="num">Failed</th><th className="num">Tokens in / out</th><th className="num">Cost</th><th className="num">On {savings.largeTier ?? 'large'}</th><th className="num">Saved</th></tr></thead>
          <tbody>
            {savings.byTier.map((t) => (
              <tr key={t.tier}>
                <td>{t.tier}</td>
                <td className="num">{int(t.items)}</td>
                <td className="num">{int(t.done)}</td>
                <td className="num">{int(t.failed)}</td>
                <td className="num">{int(t.tokensIn)} / {int(t.tokensOut)}</td>
                <td className="num">{usd(t.costUsd)}</td>
                <td className="num">{savings.largeTier ? usd(t.costIfLargeUsd) : '–'}</td>
                <td className="num">{savings.largeTier ? usd(t.costIfLargeUsd - t.costUsd) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
