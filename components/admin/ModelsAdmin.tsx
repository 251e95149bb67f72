'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { dateTime } from '@/lib/format';
import { errorText, useTRPC } from '@/lib/trpc';

/** The answer-quality model registry: versions, held-out metrics, data window, who promoted; promote / roll back / shadow. */
export function ModelsAdmin() {
  const trpc = useTRPC();
  const list = useQuery(trpc.models.list.queryOptions());
  const done = { onSuccess: () => list.refetch() };
  const promote = useMutation(trpc.models.promote.mutationOptions(done));
  const rollback = useMutation(trpc.models.rollback.mutationOptions(done));
  const shadow = useMutation(trpc.models.shadow.mutationOptions(done));
  const error = list.error ?? promote.error ?? rollback.error ?? shadow.error;
  const busy = promote.isPending || rollback.isPending || shadow.isPending;
  return (
    <div className="stack">
      {error && <div className="alert" role="alert">{errorText(error)}</div>}
      <div className="row">
        <button type="button" disabled={busy} onClick={() => rollback.mutate({})}>Roll back to the previous version</button>
        <button type="button" disabled={busy} onClick={() => shadow.mutate({ version: null })}>Stop the shadow</button>
      </div>
      {list.isPending && <div className="panel empty">Loading…</div>}
      {list.data?.length === 0 && <div className="panel empty">No versions registered. Register one with <code>npm run cascade -- models register</code>; until then the server uses models/answer-quality.onnx.</div>}
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
                    {!v.active && <button type="button" aria-label={`Promote ${v.version}`} disabled={busy} onClick={() => promote.mutate({ version: v.version })}>Promote</button>}
                    {!v.active && !v.shadow && <button type="button" aria-label={`Shadow ${v.version}`} disabled={busy} onClick={() => shadow.mutate({ version: v.version })}>Shadow</button>}
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
