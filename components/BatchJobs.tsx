'use client';
// The batch jobs page: upload, then per job its progress per tier, the cost summary against the
// large-tier baseline, cancel and the results download. All through the typed batch router.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { tierProgress } from '@/server/analytics/admin-reads';
import { resultsJsonl } from '@/server/batch/results';
import type { CostSummary } from '@/server/batch/types';
import { dateTime, int, pct, usd } from '@/lib/format';
import { errorText, useTRPC } from '@/lib/trpc';
import { downloadText } from '@/lib/url-state';
import { BatchCostSummary } from './batch/BatchCostSummary';
import { BatchUpload } from './batch/BatchUpload';

const ACTIVE = new Set(['queued', 'running']);
const STATUS_CLASS: Record<string, string> = { completed: 'badge ok', running: 'badge tier-medium', queued: 'badge', cancelled: 'badge escalated' };

export function BatchJobs() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const jobs = useQuery(trpc.batch.list.queryOptions({ limit: 50 }, { refetchInterval: (q) => (q.state.data?.some((j) => ACTIVE.has(j.status)) ? 2000 : false) }));
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.batch.list.queryKey() });
  const cancel = useMutation(trpc.batch.cancel.mutationOptions({ onSettled: refresh }));

  async function download(id: string, name: string) {
    setDownloadError(null);
    try {
      const r = await qc.fetchQuery(trpc.batch.results.queryOptions({ id }));
      // The same lines as GET /v1/batches/:id/results; the summary line also carries the large-tier baseline.
      const summary: CostSummary = { ...r.summary, ...{ largeTier: r.savings.largeTier, costIfLargeUsd: r.savings.costIfLargeUsd, savedUsd: r.savings.savedUsd } };
      downloadText(`${name.replace(/\.(jsonl|ndjson|json)$/i, '')}-results.jsonl`, [...resultsJsonl(r.items, summary)].join(''), 'application/x-ndjson');
    } catch (e) {
      setDownloadError(`Download of ${name} failed: ${errorText(e)}`);
    }
  }

  return (
    <div className="stack">
      <BatchUpload onCreated={() => void refresh()} />
      <section className="panel" aria-labelledby="batch-jobs">
        <h2 id="batch-jobs">Jobs</h2>
        {jobs.error && <div className="alert" role="alert">{errorText(jobs.error)}</div>}
        {downloadError && <div className="alert" role="alert">{downloadError}</div>}
        {cancel.error && <div className="alert" role="alert">{errorText(cancel.error)}</div>}
        {jobs.isPending && <div className="empty">Loading…</div>}
        {jobs.data?.length === 0 && <div className="empty">No batch jobs yet.</div>}
        <div className="stack" style={{ gap: 18 }}>
          {jobs.data?.map((j, idx) => {
            const finished = j.done + j.failed;
            const progress = j.total > 0 ? finished / j.total : 0;
            const running = ACTIVE.has(j.status);
            return (
              <article key={j.id} aria-label={`Batch ${j.name}`} style={{ borderBottom: '1px solid var(--line)', paddingBottom: 14 }}>
                <div className="row">
                  <strong>{j.name}</strong>
                  <span className={STATUS_CLASS[j.status] ?? 'badge'}>{j.status}</span>
                  <span className="small muted">{dateTime(j.createdAt)} UTC</span>
                  <span className="spacer" />
                  <span className="small">{int(j.done)} done · {int(j.failed)} failed of {int(j.total)} · cost {usd(j.costUsd)}</span>
                  {running && (
                    <button type="button" className="secondary" aria-label={`Cancel ${j.name}`} disabled={cancel.isPending} onClick={() => cancel.mutate({ id: j.id })}>Cancel</button>
                  )}
                  <button type="button" className="secondary" aria-label={`Download results of ${j.name}`} onClick={() => void download(j.id, j.name)}>Download results</button>
                </div>
                <div className="progress" role="progressbar" aria-label={`${j.name} overall`} aria-valuenow={Math.round(progress * 100)} aria-valuemin={0} aria-valuemax={100} aria-valuetext={`${int(finished)} of ${int(j.total)} finished`} style={{ margin: '8px 0' }}>
                  <div style={{ width: `${progress * 100}%` }} />
                </div>
                {j.total > 0 && <div className="small muted" style={{ marginBottom: 2 }}>Progress per dispatch tier (an escalated item is answered by a stronger tier; the cost summary counts it there)</div>}
                {tierProgress(j.perTier, j.total).map((t) => (
                  <div key={t.tier} className="row small" style={{ flexWrap: 'nowrap', marginBottom: 3 }}>
                    <span style={{ width: 140 }}>{t.tier}</span>
                    <div className="progress" style={{ flex: 1 }} role="progressbar" aria-label={`${j.name} on ${t.tier}`} aria-valuenow={Math.round(t.share * 100)} aria-valuemin={0} aria-valuemax={100} aria-valuetext={`${int(t.done)} of ${int(t.total)} finished`}>
                      <div style={{ width: `${t.share * 100}%` }} />
                    </div>
                    <span style={{ width: 130, textAlign: 'right' }}>{int(t.done)} / {int(t.total)} ({pct(t.share, 0)})</span>
                  </div>
                ))}
                <details open={idx === 0} style={{ marginTop: 8 }}>
                  <summary style={{ cursor: 'pointer', fontWeight: 550 }}>Cost summary</summary>
                  <div style={{ marginTop: 8 }}>
                    <BatchCostSummary jobId={j.id} jobName={j.name} progress={{ status: j.status, done: j.done, failed: j.failed }} />
                  </div>
                </details>
              </article>
            );
          })}
        </div>
      </section>
    </div>
  );
}
