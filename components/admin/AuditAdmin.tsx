'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { toCsv } from '@/server/analytics/csv';
import { dateTime } from '@/lib/format';
import { errorText, useTRPC } from '@/lib/trpc';
import { downloadText } from '@/lib/url-state';

export function AuditAdmin() {
  const trpc = useTRPC();
  const [q, setQ] = useState('');
  const log = useQuery(trpc.analytics.auditLog.queryOptions({ q: q || undefined, limit: 200 }));
  const rows = log.data ?? [];
  return (
    <div className="panel">
      <div className="filters">
        <div className="field wide">
          <label htmlFor="audit-q">Search actor or target</label>
          <input id="audit-q" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <span className="spacer" />
        <button
          type="button"
          className="secondary"
          onClick={() =>
            downloadText('audit.csv', toCsv(rows, [
              { header: 'at', value: (r) => r.at },
              { header: 'actor', value: (r) => r.actorLabel },
              { header: 'action', value: (r) => r.action },
              { header: 'target', value: (r) => r.target },
              { header: 'details', value: (r) => r.details },
            ]))
          }
        >
          Export CSV
        </button>
      </div>
      {log.error && <div className="alert" role="alert">{errorText(log.error)}</div>}
      <div className="table-wrap">
        <table aria-label="Audit log">
          <thead><tr><th>When (UTC)</th><th>Actor</th><th>Action</th><th>Target</th><th>Details</th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td className="small" style={{ whiteSpace: 'nowrap' }}>{dateTime(r.at)}</td>
                <td>{r.actorLabel}</td>
                <td><code>{r.action}</code></td>
                <td>{r.target}</td>
                <td className="small"><code>{JSON.stringify(r.details).slice(0, 160)}</code></td>
              </tr>
            ))}
          </tbody>
        </table>
        {log.data && rows.length === 0 && <div className="empty">No audit events.</div>}
      </div>
    </div>
  );
}
