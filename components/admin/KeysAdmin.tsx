'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { dateTime } from '@/lib/format';
import { serverFieldErrors, zodFieldErrors, type FieldErrors } from '@/lib/form-errors';
import { errorText, useTRPC } from '@/lib/trpc';
import { Field, invalid } from '../Field';

// Same rules as apiKeys.create on the server.
const keyForm = z.object({
  name: z.string().trim().min(1, 'name is required').max(100),
  tenant: z.string().trim().min(1, 'tenant is required').max(100).regex(/^[\w.-]+$/, 'tenant may use letters, digits, . _ -'),
  role: z.enum(['user', 'analyst', 'admin']),
  expiresInDays: z.union([z.literal(''), z.coerce.number().int('whole days').min(1, 'at least 1 day').max(3650, 'at most 10 years')]),
  allowedTiers: z.array(z.string()),
});

const blank = { name: '', tenant: 'default', role: 'user', expiresInDays: '', allowedTiers: [] as string[] };

function keyStatus(k: { revokedAt: Date | null; expiresAt: Date | null }): { label: string; cls: string } {
  if (k.revokedAt) return { label: 'revoked', cls: 'bad' };
  if (k.expiresAt && new Date(k.expiresAt).getTime() <= Date.now()) return { label: 'expired', cls: 'bad' };
  return { label: 'active', cls: 'ok' };
}

export function KeysAdmin() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const tiers = useQuery(trpc.tiers.list.queryOptions());
  // Budgets and rate limits live in the routing policy (edited there); shown here so a key's limits are in one place.
  const policy = useQuery(trpc.policy.active.queryOptions());
  const budgetOf = (id: string) => policy.data?.document.budgets.find((b) => b.apiKeyId === id);
  const rateOf = (id: string) => {
    const r = policy.data?.document.rateLimits?.find((l) => l.apiKeyId === id);
    if (!r) return 'none';
    return [r.requestsPerMinute && `${r.requestsPerMinute.toLocaleString('en-US')} req`, r.tokensPerMinute && `${r.tokensPerMinute.toLocaleString('en-US')} tokens`].filter(Boolean).join(' · ') + ' / min';
  };
  const [form, setForm] = useState(blank);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  const create = useMutation(trpc.apiKeys.create.mutationOptions({
    onSuccess: (r) => {
      setSecret({ name: r.apiKey.name, key: r.key });
      setForm(blank);
      void refresh();
    },
    onError: (e) => setErrors(serverFieldErrors(e)),
  }));
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: () => refresh() }));

  function submit(e: FormEvent) {
    e.preventDefault();
    const r = keyForm.safeParse(form);
    setErrors(r.success ? {} : zodFieldErrors(r.error));
    if (r.success) create.mutate({ ...r.data, expiresInDays: r.data.expiresInDays === '' ? null : r.data.expiresInDays });
  }

  return (
    <div className="stack">
      {secret && (
        <div className="panel stack" role="status" aria-live="polite">
          <strong>New key “{secret.name}”: copy it now, it will not be shown again.</strong>
          <div className="secret" data-testid="new-secret">{secret.key}</div>
          <div className="row">
            <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(secret.key)}>Copy</button>
            <button type="button" className="ghost" onClick={() => setSecret(null)}>I saved it</button>
          </div>
        </div>
      )}
      <form className="panel filters" onSubmit={submit} noValidate aria-label="New API key">
        <Field id="key-name" label="Name" error={errors.name} className="wide">
          <input id="key-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} {...invalid('key-name', errors.name)} />
        </Field>
        <Field id="key-tenant" label="Tenant" error={errors.tenant}>
          <input id="key-tenant" value={form.tenant} onChange={(e) => setForm({ ...form, tenant: e.target.value })} {...invalid('key-tenant', errors.tenant)} />
        </Field>
        <Field id="key-role" label="Role" error={errors.role}>
          <select id="key-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
            <option>user</option><option>analyst</option><option>admin</option>
          </select>
        </Field>
        <Field id="key-expires" label="Expires after (days)" error={errors.expiresInDays} hint="Empty: never expires.">
          <input id="key-expires" inputMode="numeric" value={form.expiresInDays} onChange={(e) => setForm({ ...form, expiresInDays: e.target.value })} {...invalid('key-expires', errors.expiresInDays)} />
        </Field>
        <fieldset className="field wide" aria-describedby="key-tiers-hint" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend style={{ fontWeight: 550, fontSize: 12.5, marginBottom: 4, padding: 0 }}>Tiers it may use</legend>
          <div className="row" style={{ flexWrap: 'wrap', gap: 10, minHeight: 34, alignItems: 'center' }}>
            {tiers.data?.filter((t) => t.enabled).map((t) => (
              <label key={t.id} style={{ display: 'inline-flex', gap: 4, alignItems: 'center', fontWeight: 400, margin: 0 }}>
                <input
                  type="checkbox"
                  checked={form.allowedTiers.includes(t.name)}
                  onChange={(e) => setForm({ ...form, allowedTiers: e.target.checked ? [...form.allowedTiers, t.name] : form.allowedTiers.filter((n) => n !== t.name) })}
                />
                {t.name}
              </label>
            ))}
          </div>
          <span id="key-tiers-hint" className="small muted">{errors.allowedTiers ?? 'None ticked: any tier. Ticked: routing stays within them (capped at the strongest).'}</span>
        </fieldset>
        <button type="submit" disabled={create.isPending}>Create key</button>
        {create.error && !Object.keys(serverFieldErrors(create.error)).length && <span className="field-error" role="alert">{errorText(create.error)}</span>}
      </form>
      <div className="panel table-wrap">
        {keys.error && <div className="alert" role="alert">{errorText(keys.error)}</div>}
        <table aria-label="API keys">
          <thead><tr><th>Name</th><th>Key</th><th>Tenant</th><th>Role</th><th>Tiers</th><th title="Monthly budget from the routing policy">Budget / month</th><th title="Rate limits from the routing policy">Rate limit</th><th>Created</th><th title="Updated within a minute of use">Last used</th><th>Expires</th><th>Status</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {keys.data?.map((k) => (
              <tr key={k.id}>
                <td><strong>{k.name}</strong></td>
                <td><code>{k.prefix}…</code></td>
                <td>{k.tenant}</td>
                <td>{k.role}</td>
                <td className="small">{k.allowedTiers.length ? k.allowedTiers.join(', ') : 'any'}</td>
                <td className="small">{budgetOf(k.id) ? `$${budgetOf(k.id)!.monthlyUsd.toLocaleString('en-US')}` : 'none'}</td>
                <td className="small">{rateOf(k.id)}</td>
                <td className="small">{dateTime(k.createdAt)}</td>
                <td className="small">{k.lastUsedAt ? dateTime(k.lastUsedAt) : 'never'}</td>
                <td className="small">{k.expiresAt ? dateTime(k.expiresAt) : 'never'}</td>
                <td><span className={`badge ${keyStatus(k).cls}`}>{keyStatus(k).label}</span></td>
                <td>
                  {keyStatus(k).label === 'active' && (
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Revoke ${k.name}`}
                      disabled={revoke.isPending}
                      onClick={() => {
                        if (window.confirm(`Revoke key "${k.name}"? Clients using it stop working at once.`)) revoke.mutate({ id: k.id });
                      }}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {keys.data?.length === 0 && <div className="empty">No API keys yet.</div>}
      </div>
    </div>
  );
}
