'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { tierProgress } from '@/server/analytics/admin-reads';
import { dateTime, int, pct, usd } from '@/lib/format';
import { checkJsonl, type JsonlCheck } from '@/lib/jsonl';
import { errorText, useTRPC } from '@/lib/trpc';
import { callMutation } from '@/lib/untyped-trpc';
import { downloadText } from '@/lib/url-state';

const MAX_BYTES = 20 * 1024 * 1024;

export function BatchJobs() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const jobs = useQuery(trpc.analytics.batchJobs.queryOptions({ limit: 50 }, { refetchInterval: (q) => (q.state.data?.some((j) => j.status === 'queued' || j.status === 'running') ? 2000 : false) }));
  const [file, setFile] = useState<{ name: string; check: JsonlCheck } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (v: { name: string; lines: unknown[] }) => callMutation('batch.create', v),
    onSuccess: () => {
      setFile(null);
      void qc.invalidateQueries({ queryKey: trpc.analytics.batchJobs.queryKey() });
    },
  });

  async function pick(e: ChangeEvent<HTMLInputElement>) {
    const f = e.target.files?.[0];
    setFile(null);
    setFileError(null);
    if (!f) return;
    if (f.size > MAX_BYTES) return setFileError(`The file is ${Math.round(f.size / 1e6)} MB; the limit is ${MAX_BYTES / 1e6} MB.`);
    const check = checkJsonl(await f.text());
    if (check.lines.length === 0 && check.errors.length === 0) return setFileError('The file has no requests.');
    setFile({ name: f.name, check });
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (file && file.check.errors.length === 0) create.mutate({ name: file.name, lines: file.check.lines });
  }

  async function download(jobId: string, name: string) {
    const rows = await qc.fetchQuery(trpc.analytics.batchResults.queryOptions({ jobId }));
    downloadText(`${name.replace(/\.jsonl?$/i, '')}-results.jsonl`, rows.map((r) => JSON.stringify(r)).join('\n') + '\n', 'application/x-ndjson');
  }

  return (
    <div className="stack">
      <form className="panel stack" onSubmit={submit} aria-label="Upload a batch">
        <div className="field">
          <label htmlFor="batch-file">JSON Lines file (one request per line: {'{"prompt": "..."}'} or {'{"messages": [...]}'})</label>
          <input id="batch-file" type="file" accept=".jsonl,.ndjson,.json,application/x-ndjson" onChange={pick} aria-describedby="batch-file-status" />
        </div>
        <div id="batch-file-status" role="status">
          {fileError && <div className="alert">{fileError}</div>}
          {file && file.check.errors.length > 0 && (
            <div className="alert">
              {file.check.errors.length} line(s) need fixing; nothing was uploaded:
              <ul>{file.check.errors.map((er) => <li key={er.line}>line {er.line}: {er.message}</li>)}</ul>
            </div>
          )}
          {file && file.check.errors.length === 0 && <div className="notice">{int(file.check.lines.length)} requests ready in {file.name}.</div>}
        </div>
        <div>
          <button type="submit" disabled={!file || file.check.errors.length > 0 || create.isPending}>{create.isPending ? 'Uploading…' : 'Start batch'}</button>
        </div>
        {create.error && <div className="alert" role="alert">{errorText(create.error)}</div>}
      </form>
      <div className="panel">
        <h2>Jobs</h2>
        {jobs.error && <div className="alert" role="alert">{errorText(jobs.error)}</div>}
        {jobs.isPending && <div className="empty">Loading…</div>}
        {jobs.data?.length === 0 && <div className="empty">No batch jobs yet.</div>}
        <div className="stack">
          {jobs.data?.map((j) => {
            const progress = j.total > 0 ? (j.done + j.failed) / j.total : 0;
            return (
              <section key={j.id} aria-label={`Batch ${j.name}`} style={{ borderBottom: '1px solid var(--line)', paddingBottom: 12 }}>
                <div className="row">
                  <strong>{j.name}</strong>
                  <span className="badge">{j.status}</span>
                  <span className="small muted">{dateTime(j.createdAt)}</span>
                  <span className="spacer" />
                  <span className="small">{int(j.done)} done · {int(j.failed)} failed of {int(j.total)} · cost {usd(j.costUsd)}</span>
                  <button type="button" className="secondary" onClick={() => download(j.id, j.name)}>Download results</button>
                </div>
                <div className="progress" role="progressbar" aria-label={`${j.name} overall`} aria-valuenow={Math.round(progress * 100)} aria-valuemin={0} aria-valuemax={100} style={{ margin: '6px 0' }}>
                  <div style={{ width: `${progress * 100}%` }} />
                </div>
                {tierProgress(j.perTier, j.total).map((t) => (
                  <div key={t.tier} className="row small" style={{ flexWrap: 'nowrap' }}>
                    <span style={{ width: 120 }}>{t.tier}</span>
                    <div className="progress" style={{ flex: 1 }} role="progressbar" aria-label={`${j.name} on ${t.tier}`} aria-valuenow={Math.round(t.share * 100)} aria-valuemin={0} aria-valuemax={100}>
                      <div style={{ width: `${t.share * 100}%` }} />
                    </div>
                    <span style={{ width: 90, textAlign: 'right' }}>{int(t.done)} ({pct(t.share, 0)})</span>
                  </div>
                ))}
              </section>
            );
          })}
        </div>
      </div>
    </div>
  );
}
