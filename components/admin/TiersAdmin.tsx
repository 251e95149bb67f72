'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ms, tierClass, usd } from '@/lib/format';
import { errorText, useTRPC } from '@/lib/trpc';
import { CAPABILITY_LABELS, DEFAULT_CAPABILITIES, type TierCapabilities } from '../../server/tiers/capabilities';
import type { TierRequestFields } from '../../server/tiers/request-fields';
import { capabilityDraft, emptyTier, fieldsDraft, TierEditor, type TierDraft } from './TierEditor';
import { TierLive } from './TierLive';

export function TiersAdmin() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const tiers = useQuery(trpc.tiers.list.queryOptions());
  const [editing, setEditing] = useState<TierDraft | null>(null);
  const [health, setHealth] = useState<Record<string, string>>({});
  const disable = useMutation(trpc.tiers.disable.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.tiers.list.queryKey() }) }));
  const test = useMutation(trpc.tiers.testConnection.mutationOptions());

  async function check(id: string) {
    setHealth((h) => ({ ...h, [id]: 'testing…' }));
    try {
      const r = await test.mutateAsync({ id });
      setHealth((h) => ({ ...h, [id]: r.ok ? `up · ${ms(r.latencyMs)}` : `down · ${r.error ?? ''}` }));
    } catch (e) {
      setHealth((h) => ({ ...h, [id]: `error · ${errorText(e)}` }));
    }
  }

  return (
    <div className="stack">
      {editing ? (
        <TierEditor key={editing.id ?? 'new'} initial={editing} onDone={() => setEditing(null)} />
      ) : (
        <div className="row">
          <button type="button" onClick={() => setEditing(emptyTier())}>New tier</button>
        </div>
      )}
      <TierLive />
      <div className="panel">
        <h2>Configuration</h2>
        {tiers.error && <div className="alert" role="alert">{errorText(tiers.error)}</div>}
        <div className="table-wrap">
          <table aria-label="Tiers">
            <thead>
              <tr>
                <th>Name</th><th>Role</th><th>Kind / model</th><th>Endpoint</th><th className="num">$/M in · out</th>
                <th className="num">Concurrency</th><th className="num">Timeout</th><th>Status</th><th><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {tiers.data?.map((t) => (
                <tr key={t.id}>
                  <td><strong>{t.name}</strong></td>
                  <td><span className={tierClass(t.role)}>{t.role}</span></td>
                  <td style={{ minWidth: 190 }}>
                    {t.kind} · <code>{t.model}</code>
                    <div className="small muted" title="What routing may send this tier (edit the tier to change it)">serves {servesText(t.capabilities)}</div>
                    {fieldsText(t.requestFields) && <div className="small muted" title="Request fields this tier drops before it is called, or refuses (edit the tier to change it)">{fieldsText(t.requestFields)}</div>}
                  </td>
                  <td className="small" style={{ maxWidth: 180, overflow: 'hidden', textOverflow: 'ellipsis' }} title={t.baseUrl}>{t.baseUrl}{t.hasApiKey ? ' 🔑' : ''}</td>
                  <td className="num" style={{ whiteSpace: 'nowrap' }}>{usd(t.inputPricePerM, 2)} · {usd(t.outputPricePerM, 2)}</td>
                  <td className="num">{t.maxConcurrency}</td>
                  <td className="num" style={{ whiteSpace: 'nowrap' }}>{ms(t.timeoutMs)}</td>
                  <td>
                    <span className={`badge ${t.enabled ? 'ok' : 'bad'}`}>{t.enabled ? 'enabled' : 'disabled'}</span>
                    <div className="small" role="status">{health[t.id] ?? ''}</div>
                  </td>
                  <td>
                    {/* Stacked: a row of three buttons pushed the table past its panel at laptop widths. */}
                    <div className="stack" style={{ gap: 4, alignItems: 'stretch' }}>
                      <button type="button" className="secondary" aria-label={`Test ${t.name}`} onClick={() => check(t.id)}>Test</button>
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`Edit ${t.name}`}
                        onClick={() =>
                          setEditing({
                            id: t.id, name: t.name, role: t.role, kind: t.kind, baseUrl: t.baseUrl, model: t.model, apiKey: '',
                            inputPricePerM: String(t.inputPricePerM), outputPricePerM: String(t.outputPricePerM),
                            maxConcurrency: String(t.maxConcurrency), timeoutMs: String(t.timeoutMs), enabled: t.enabled,
                            caps: capabilityDraft(t.capabilities), fields: fieldsDraft(t.requestFields),
                          })
                        }
                      >
                        Edit
                      </button>
                      {t.enabled && (
                        <button type="button" className="secondary" aria-label={`Disable ${t.name}`} disabled={disable.isPending} onClick={() => disable.mutate({ id: t.id })}>
                          Disable
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {tiers.data?.length === 0 && <div className="empty">No tiers yet.</div>}
        </div>
        {disable.error && <div className="alert" role="alert">{errorText(disable.error)}</div>}
      </div>
    </div>
  );
}

const SHORT: Partial<Record<keyof typeof CAPABILITY_LABELS, string>> = { tools: 'tools', vision: 'images', audio: 'audio', jsonSchema: 'JSON', logprobs: 'logprobs' };

/** What a tier serves beyond text, in a few words, with its context window (fits under the model name). */
function servesText(c: TierCapabilities = DEFAULT_CAPABILITIES): string {
  const on = (Object.keys(SHORT) as (keyof typeof SHORT)[]).filter((k) => c[k]).map((k) => SHORT[k]);
  const ctx = c.contextTokens ? ` · ${Math.round(c.contextTokens / 1024)}k ctx` : '';
  return `${on.join(', ') || 'text only'}${ctx}`;
}

/** "drops seed · refuses logit_bias", or '' when the tier takes every field. */
function fieldsText(f: TierRequestFields | undefined): string {
  if (!f) return '';
  return [f.drop.length ? `drops ${f.drop.join(', ')}` : '', f.reject.length ? `refuses ${f.reject.join(', ')}` : ''].filter(Boolean).join(' · ');
}
