'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { toCsv, type CsvColumn } from '@/server/analytics/csv';
import type { DecisionRow } from '@/server/analytics/decisions';
import { decisionListSchema } from '@/server/analytics/filters';
import { dateTime, ms, tierClass, usd } from '@/lib/format';
import { errorText, useTRPC } from '@/lib/trpc';
import { downloadText, useUrlParams } from '@/lib/url-state';
import { DecisionFilters } from './DecisionFilters';

const CSV_COLUMNS: CsvColumn<DecisionRow>[] = [
  { header: 'id', value: (r) => r.id },
  { header: 'created_at', value: (r) => r.createdAt },
  { header: 'source', value: (r) => r.source },
  { header: 'door', value: (r) => r.door ?? '' },
  { header: 'api_key_id', value: (r) => r.apiKeyId },
  { header: 'band', value: (r) => r.band },
  { header: 'score', value: (r) => r.score },
  { header: 'policy_version', value: (r) => r.policyVersion },
  { header: 'tier', value: (r) => r.finalTier },
  { header: 'cache', value: (r) => r.cacheStatus },
  { header: 'status', value: (r) => r.status },
  { header: 'escalations', value: (r) => r.escalations },
  { header: 'tokens_in', value: (r) => r.tokensIn },
  { header: 'tokens_out', value: (r) => r.tokensOut },
  { header: 'cost_usd', value: (r) => r.costUsd },
  { header: 'baseline_cost_usd', value: (r) => r.baselineCostUsd },
  { header: 'latency_ms', value: (r) => r.latencyMs },
  { header: 'ttft_ms', value: (r) => r.ttftMs },
  { header: 'prompt_preview', value: (r) => r.promptPreview },
];
const EXPORT_LIMIT = 5000;

export function DecisionsExplorer() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [params, setParams] = useUrlParams();
  const [exporting, setExporting] = useState(false);
  const parsed = decisionListSchema.safeParse({ ...params, pageSize: 50 });
  const input = parsed.success ? parsed.data : { pageSize: 50 };
  const options = useQuery(trpc.analytics.filterOptions.queryOptions());
  const list = useQuery(trpc.analytics.decisions.queryOptions(input, { placeholderData: (prev) => prev }));

  async function exportCsv() {
    setExporting(true);
    try {
      const all = await qc.fetchQuery(trpc.analytics.decisions.queryOptions({ ...input, after: undefined, before: undefined, pageSize: EXPORT_LIMIT }));
      downloadText(`decisions-${new Date().toISOString().slice(0, 19)}.csv`, toCsv(all.rows, CSV_COLUMNS));
    } finally {
      setExporting(false);
    }
  }

  return (
    <div className="panel">
      <DecisionFilters params={params} setParams={setParams} options={options.data} fields={['q', 'range', 'tier', 'band', 'apiKeyId', 'status', 'cacheStatus', 'door']} />
      {!parsed.success && <div className="alert" role="alert">Ignoring invalid filters in the URL: {parsed.error.issues[0]?.message}</div>}
      <div className="row" style={{ marginBottom: 8 }}>
        <span className="muted small" aria-live="polite">
          {list.isFetching ? 'Loading…' : `${list.data?.rows.length ?? 0} decisions on this page`}
        </span>
        <span className="spacer" />
        <button type="button" className="secondary" onClick={exportCsv} disabled={exporting}>
          {exporting ? 'Exporting…' : `Export CSV (up to ${EXPORT_LIMIT.toLocaleString('en-US')})`}
        </button>
      </div>
      {list.error && <div className="alert" role="alert">{errorText(list.error)}</div>}
      <div className="table-wrap">
        <table aria-label="Decisions">
          <thead>
            <tr>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Prompt</th>
              <th scope="col">Band</th>
              <th scope="col">Tier</th>
              <th scope="col">Cache</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">Cost</th>
              <th scope="col" className="num">Latency</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.rows.map((r) => (
              <tr key={r.id}>
                <td className="small" style={{ whiteSpace: 'nowrap' }}>
                  <Link href={`/decisions/${r.id}`}>{dateTime(r.createdAt)}</Link>
                </td>
                <td style={{ maxWidth: 420, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={r.promptPreview}>
                  {r.promptPreview}
                </td>
                <td>{r.band ?? '–'}</td>
                <td>{r.finalTier ? <span className={tierClass(r.finalTier)}>{r.finalTier}</span> : '–'}{r.escalations > 0 && <span className="badge escalated" style={{ marginLeft: 4 }}>↑{r.escalations}</span>}</td>
                <td>{r.cacheStatus === 'exact' || r.cacheStatus === 'semantic' ? <span className="badge cached">{r.cacheStatus}</span> : r.cacheStatus}</td>
                <td><span className={`badge ${r.status === 'ok' ? 'ok' : 'error'}`}>{r.status}</span></td>
                <td className="num">{usd(r.costUsd)}</td>
                <td className="num">{ms(r.latencyMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {list.data && list.data.rows.length === 0 && <div className="empty">No decisions match these filters.</div>}
      </div>
      <nav className="pager" aria-label="Pages">
        <button type="button" className="secondary" disabled={!list.data?.prev} onClick={() => setParams({ before: list.data?.prev ?? null, after: null })}>
          ← Newer
        </button>
        <button type="button" className="secondary" disabled={!list.data?.next} onClick={() => setParams({ after: list.data?.next ?? null, before: null })}>
          Older →
        </button>
      </nav>
    </div>
  );
}
