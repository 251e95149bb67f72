'use client';
import { useEffect, useState } from 'react';
import { BANDS } from '@/server/complexity/types';
import { DOORS } from '@/server/contracts/chat';

export interface FilterOptions {
  tiers: string[];
  apiKeys: { id: string; name: string }[];
  policyVersions?: number[];
}

/** Date-range and dimension filters; values come from and go to the URL. Text search is debounced. */
export function DecisionFilters({
  params,
  setParams,
  options,
  fields,
}: {
  params: Record<string, string>;
  setParams: (p: Record<string, string | null>) => void;
  options: FilterOptions | undefined;
  fields: Array<'q' | 'range' | 'tier' | 'band' | 'apiKeyId' | 'status' | 'cacheStatus' | 'door' | 'policyVersion'>;
}) {
  const [q, setQ] = useState(params.q ?? '');
  useEffect(() => {
    setQ(params.q ?? '');
  }, [params.q]);
  useEffect(() => {
    if ((params.q ?? '') === q) return;
    const t = setTimeout(() => setParams({ q: q || null }), 350);
    return () => clearTimeout(t);
  }, [q, params.q, setParams]);

  const sel = (name: string, label: string, values: Array<{ value: string; label: string }>) => (
    <div className="field" key={name}>
      <label htmlFor={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} value={params[name] ?? ''} onChange={(e) => setParams({ [name]: e.target.value || null })}>
        <option value="">All</option>
        {values.map((v) => (
          <option key={v.value} value={v.value}>
            {v.label}
          </option>
        ))}
      </select>
    </div>
  );
  const date = (name: 'from' | 'to', label: string) => (
    <div className="field" key={name}>
      <label htmlFor={`f-${name}`}>{label}</label>
      <input
        id={`f-${name}`}
        type="date"
        value={params[name]?.slice(0, 10) ?? ''}
        onChange={(e) => setParams({ [name]: e.target.value ? new Date(`${e.target.value}T00:00:00Z`).toISOString() : null })}
      />
    </div>
  );
  const opts = (xs: readonly string[]) => xs.map((x) => ({ value: x, label: x }));

  return (
    <div className="filters" role="search">
      {fields.includes('q') && (
        <div className="field wide">
          <label htmlFor="f-q">Search prompts</label>
          <input id="f-q" type="search" placeholder="text in the prompt preview" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
      )}
      {fields.includes('range') && [date('from', 'From'), date('to', 'To (exclusive)')]}
      {fields.includes('tier') && sel('tier', 'Tier', opts(options?.tiers ?? []))}
      {fields.includes('band') && sel('band', 'Band', opts(BANDS))}
      {fields.includes('apiKeyId') && sel('apiKeyId', 'API key', (options?.apiKeys ?? []).map((k) => ({ value: k.id, label: k.name })))}
      {fields.includes('policyVersion') && sel('policyVersion', 'Policy version', (options?.policyVersions ?? []).map((v) => ({ value: String(v), label: `v${v}` })))}
      {fields.includes('status') && sel('status', 'Status', opts(['ok', 'error', 'partial', 'rejected']))}
      {fields.includes('cacheStatus') && sel('cacheStatus', 'Cache', opts(['miss', 'exact', 'semantic', 'bypass', 'off']))}
      {fields.includes('door') && sel('door', 'API', opts(DOORS))}
    </div>
  );
}
