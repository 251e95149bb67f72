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
});

export function KeysAdmin() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const [form, setForm] = useState({ name: '', tenant: 'default', role: 'user' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [secret, setSecret] = useState<{ name: string; key: string } | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  const create = useMutation(trpc.apiKeys.create.mutationOptions({
    onSuccess: (r) => {
      setSecret({ name: r.apiKey.name, key: r.key });
      setForm({ name: '', tenant: 'default', role: 'user' });
      void refresh();
    },
    onError: (e) => setErrors(serverFieldErrors(e)),
  }));
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: () => refresh() }));

  function submit(e: FormEvent) {
    e.preventDefault();
    const r = keyForm.safeParse(form);
    setErrors(r.success ? {} : zodFieldErrors(r.error));
    if (r.success) create.mutate(r.data);
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
        <button type="submit" disabled={create.isPending}>Create key</button>
        {create.error && !Object.keys(serverFieldErrors(create.error)).length && <span className="field-error" role="alert">{errorText(create.error)}</span>}
      </form>
      <div className="panel table-wrap">
        {keys.error && <div className="alert" role="alert">{errorText(keys.error)}</div>}
        <table aria-label="API keys">
          <thead><tr><th>Name</th><th>Key</th><th>Tenant</th><th>Role</th><th>Created</th><th>Last used</th><th>Status</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {keys.data?.map((k) => (
              <tr key={k.id}>
                <td><strong>{k.name}</strong></td>
                <td><code>{k.prefix}…</code></td>
                <td>{k.tenant}</td>
                <td>{k.role}</td>
                <td className="small">{dateTime(k.createdAt)}</td>
                <td className="small">{dateTime(k.lastUsedAt)}</td>
                <td>{k.revokedAt ? <span className="badge bad">revoked</span> : <span className="badge ok">active</span>}</td>
                <td>
                  {!k.revokedAt && (
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
