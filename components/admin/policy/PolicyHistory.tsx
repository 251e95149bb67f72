'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Policy } from '@/server/routing/policy';
import { dateTime } from '@/lib/format';
import { diffPolicies, showValue } from '@/lib/policy-diff';
import { errorText, useTRPC } from '@/lib/trpc';
import { Field, invalid } from '../../Field';

/** Versions, newest first; pick one to see its diff against its predecessor and roll back to it. */
export function PolicyHistory({ activeVersion, onRolledBack }: { activeVersion: number | null; onRolledBack: (doc: Policy) => void | Promise<void> }) {
  const trpc = useTRPC();
  const history = useQuery(trpc.policy.history.queryOptions({ limit: 50 }));
  const [selected, setSelected] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const rollback = useMutation(trpc.policy.rollback.mutationOptions({
    onSuccess: async (v) => {
      setReason('');
      setTried(false);
      setSelected(null);
      await history.refetch();
      await onRolledBack(v.document);
    },
  }));
  const rows = history.data ?? [];
  const idx = rows.findIndex((r) => r.version === selected);
  const sel = idx >= 0 ? rows[idx] : null;
  const prev = idx >= 0 ? rows[idx + 1] : undefined;
  const diff = sel ? diffPolicies(prev?.document ?? {}, sel.document) : [];

  return (
    <section className="panel" aria-labelledby="p-history">
      <h2 id="p-history">History</h2>
      {history.error && <div className="alert" role="alert">{errorText(history.error)}</div>}
      <div className="grid grid-2">
        <div className="table-wrap">
          <table aria-label="Policy versions">
            <thead><tr><th>Version</th><th>When (UTC)</th><th>Why</th><th><span className="sr-only">Select</span></th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.version} aria-selected={r.version === selected}>
                  <td>v{r.version} {r.version === activeVersion && <span className="badge ok">active</span>}{r.parentVersion ? <span className="small muted"> from v{r.parentVersion}</span> : null}</td>
                  <td className="small">{dateTime(r.createdAt)}</td>
                  <td>{r.reason || <span className="muted">–</span>}</td>
                  <td><button type="button" className="secondary" aria-label={`Show version ${r.version}`} aria-pressed={r.version === selected} onClick={() => setSelected(r.version)}>Show</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div>
          {!sel && <p className="muted">Select a version to see what it changed.</p>}
          {sel && (
            <div className="stack">
              <h3>v{sel.version} vs {prev ? `v${prev.version}` : 'nothing'}</h3>
              {diff.length === 0 ? <p className="muted">No differences.</p> : (
                <table aria-label={`Changes in version ${sel.version}`}>
                  <thead><tr><th>Setting</th><th>Before</th><th>After</th></tr></thead>
                  <tbody>
                    {diff.map((d) => (
                      <tr key={d.path}>
                        <td><code>{d.path}</code></td>
                        <td className="diff-del"><code>{showValue(d.before)}</code></td>
                        <td className="diff-add"><code>{showValue(d.after)}</code></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {sel.version !== activeVersion && (
                <form
                  className="row"
                  style={{ alignItems: 'flex-end' }}
                  onSubmit={(e) => {
                    e.preventDefault();
                    setTried(true);
                    if (reason.trim()) rollback.mutate({ version: sel.version, reason: reason.trim() });
                  }}
                >
                  <Field id="rollback-reason" label={`Why roll back to v${sel.version}`} error={tried && !reason.trim() ? 'say why' : undefined}>
                    <input id="rollback-reason" value={reason} onChange={(e) => setReason(e.target.value)} style={{ width: 300, maxWidth: '100%' }} {...invalid('rollback-reason', tried && !reason.trim() ? 'say why' : undefined)} />
                  </Field>
                  <button type="submit" className="danger" disabled={rollback.isPending}>Roll back to v{sel.version}</button>
                </form>
              )}
              {rollback.error && <div className="alert" role="alert">{errorText(rollback.error)}</div>}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
