'use client';
import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { dateTime } from '@/lib/format';
import { errorText, useTRPC } from '@/lib/trpc';

type Kind = 'answer-quality' | 'complexity';
const EMPTY: Record<Kind, string> = {
  'answer-quality': 'models/answer-quality.onnx',
  complexity: 'models/complexity.onnx',
};

/** The model registry per kind: versions, held-out metrics, data window, who promoted; promote / roll back / shadow. */
export function ModelsAdmin() {
  const trpc = useTRPC();
  const [kind, setKind] = useState<Kind>('answer-quality');
  const list = useQuery(trpc.models.list.queryOptions({ kind }));
  const live = useQuery(trpc.models.live.queryOptions());
  const done = { onSuccess: () => Promise.all([list.refetch(), live.refetch()]) };
  const promote = useMutation(trpc.models.promote.mutationOptions(done));
  const rollback = useMutation(trpc.models.rollback.mutationOptions(done));
  const shadow = useMutation(trpc.models.shadow.mutationOptions(done));
  const error = list.error ?? promote.error ?? rollback.error ?? shadow.error;
  const busy = promote.isPending || rollback.isPending || shadow.isPending;
  const versions = list.data ?? [];
  const canRollBack = versions.length > 1 && versions.some((v) => v.active);
  const shadowing = versions.some((v) => v.shadow);
  const running = live.data?.[kind === 'answer-quality' ? 'answer' : 'complexity'];
  return (
    <div className="stack">
      {error && <div className="alert" role="alert">{errorText(error)}</div>}
      <div className="row">
        <label htmlFor="model-kind">Model</label>
        <select id="model-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          <option value="answer-quality">answer quality (judges the cheap answer)</option>
          <option value="complexity">complexity classifier (routes the prompt)</option>
        </select>
        {/* Only what can be done: a roll back needs an active version and one before it; a shadow to stop. */}
        {canRollBack && <button type="button" className="secondary" disabled={busy} onClick={() => rollback.mutate({ kind })}>Roll back to the previous version</button>}
        {shadowing && <button type="button" className="secondary" disabled={busy} onClick={() => shadow.mutate({ kind, version: null })}>Stop the shadow</button>}
      </div>
      {running && (
        <p className="small" data-testid="models-live">
          This server runs <code>{running.active ?? 'the shipped artifact'}</code>
          {running.shadow && <> with <code>{running.shadow}</code> in shadow</>}; other servers follow a change within a second (with Redis) or at their next 10 s refresh.
        </p>
      )}
      {list.isPending && <div className="panel empty">Loading…</div>}
      {list.data?.length === 0 && <div className="panel empty">No versions registered. Train a candidate from recorded decisions with <code>npm run cascade -- retrain --model {kind}</code>{kind === 'answer-quality' && <> or register the shipped artifact with <code>npm run cascade -- models register</code></>}; until then the server uses {EMPTY[kind]}.</div>}
      {list.data && list.data.length > 0 && (
        <div className="panel table-wrap">
          <table aria-label="Model versions">
            <thead><tr><th>Version</th><th>State</th><th>Data window</th><th>Metrics</th><th>Registered</th><th>Promoted</th><th /></tr></thead>
            <tbody>
              {list.data.map((v) => (
                <tr key={v.id}>
                  <td><code>{v.version}</code></td>
                  <td>{v.active ? <span className="badge ok">active</span> : v.shadow ? <span className="badge">shadow</span> : ''}</td>
                  <td className="small">{v.dataWindow || '–'}</td>
                  <td className="small"><details><summary>metrics</summary><pre>{JSON.stringify(v.metrics, null, 2)}</pre></details></td>
                  <td className="small">{dateTime(v.createdAt)}</td>
                  <td className="small">{v.promotedAt ? `${dateTime(v.promotedAt)}${v.promotedById ? ` by ${v.promotedById}` : ''}` : '–'}</td>
                  <td className="row">
                    {!v.active && <button type="button" aria-label={`Promote ${v.version}`} disabled={busy} onClick={() => promote.mutate({ kind, version: v.version })}>Promote</button>}
                    {!v.active && !v.shadow && <button type="button" aria-label={`Shadow ${v.version}`} disabled={busy} onClick={() => shadow.mutate({ kind, version: v.version })}>Shadow</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
