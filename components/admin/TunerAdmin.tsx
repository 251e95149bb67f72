'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { dateTime } from '@/lib/format';
import { diffPolicies, showValue } from '@/lib/policy-diff';
import { errorText, useTRPC } from '@/lib/trpc';

/** Proposals of the auto-tuner with their evidence; approving or rejecting goes to tuner.decide. */
export function TunerAdmin() {
  const trpc = useTRPC();
  const [status, setStatus] = useState<'pending' | ''>('pending');
  const list = useQuery(trpc.analytics.tunerProposals.queryOptions({ status: status || undefined, limit: 50 }));
  const [reason, setReason] = useState<Record<string, string>>({});
  const decide = useMutation(trpc.tuner.decide.mutationOptions({ onSuccess: () => list.refetch() }));
  return (
    <div className="stack">
      <div className="panel filters">
        <div className="field">
          <label htmlFor="tuner-status">Show</label>
          <select id="tuner-status" value={status} onChange={(e) => setStatus(e.target.value as 'pending' | '')}>
            <option value="pending">pending</option>
            <option value="">all</option>
          </select>
        </div>
      </div>
      {list.error && <div className="alert" role="alert">{errorText(list.error)}</div>}
      {decide.error && <div className="alert" role="alert">{errorText(decide.error)}</div>}
      {list.isPending && <div className="panel empty">Loading…</div>}
      {list.data?.length === 0 && <div className="panel empty">No {status} proposals. The tuner proposes threshold moves once enough answers are rated.</div>}
      {list.data?.map((p) => {
        const prop = (p.proposal ?? {}) as Record<string, unknown>;
        const diff = prop.from && prop.to ? diffPolicies(prop.from, prop.to) : [];
        return (
          <section key={p.id} className="panel stack" aria-label={`Proposal ${p.id}`}>
            <div className="row">
              <strong>From v{p.fromVersion}</strong>
              <span className={`badge ${p.status === 'pending' ? '' : p.status === 'rejected' ? 'bad' : 'ok'}`}>{p.status}</span>
              <span className="small muted">{dateTime(p.createdAt)}</span>
            </div>
            {diff.length > 0 && (
              <table aria-label="Proposed changes">
                <tbody>{diff.map((d) => <tr key={d.path}><td><code>{d.path}</code></td><td className="diff-del">{showValue(d.before)}</td><td className="diff-add">{showValue(d.after)}</td></tr>)}</tbody>
              </table>
            )}
            <details>
              <summary>Evidence and proposal</summary>
              <pre>{JSON.stringify({ proposal: p.proposal, evidence: p.evidence }, null, 2)}</pre>
            </details>
            {p.status === 'pending' && (
              <div className="row" style={{ alignItems: 'flex-end' }}>
                <div className="field">
                  <label htmlFor={`reason-${p.id}`}>Reason</label>
                  <input id={`reason-${p.id}`} value={reason[p.id] ?? ''} onChange={(e) => setReason({ ...reason, [p.id]: e.target.value })} />
                </div>
                <button type="button" aria-label={`Approve proposal from v${p.fromVersion}`} disabled={decide.isPending} onClick={() => decide.mutate({ id: p.id, approve: true, reason: reason[p.id] ?? '' })}>Approve</button>
                <button type="button" className="danger" aria-label={`Reject proposal from v${p.fromVersion}`} disabled={decide.isPending} onClick={() => decide.mutate({ id: p.id, approve: false, reason: reason[p.id] ?? '' })}>Reject</button>
              </div>
            )}
          </section>
        );
      })}
    </div>
  );
}
