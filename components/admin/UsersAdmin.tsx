'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { z } from 'zod';
import { dateTime } from '@/lib/format';
import { serverFieldErrors, zodFieldErrors, type FieldErrors } from '@/lib/form-errors';
import { errorText, useTRPC } from '@/lib/trpc';
import { Field, invalid } from '../Field';

const ROLES = ['user', 'analyst', 'admin'] as const;
// Same rules as users.create on the server.
const userForm = z.object({
  email: z.string().trim().toLowerCase().email('a valid email is required'),
  name: z.string().trim().max(100),
  role: z.enum(ROLES),
  password: z.string().min(8, 'password must have at least 8 characters').max(1024),
});

export function UsersAdmin() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const blank = { email: '', name: '', role: 'user', password: '' };
  const [form, setForm] = useState(blank);
  const [errors, setErrors] = useState<FieldErrors>({});
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const create = useMutation(trpc.users.create.mutationOptions({ onSuccess: () => { setForm(blank); void refresh(); }, onError: (e) => setErrors(serverFieldErrors(e)) }));
  const setRole = useMutation(trpc.users.setRole.mutationOptions({ onSettled: () => refresh() }));
  const setDisabled = useMutation(trpc.users.setDisabled.mutationOptions({ onSettled: () => refresh() }));
  const remove = useMutation(trpc.users.remove.mutationOptions({ onSettled: () => refresh() }));
  const [temporary, setTemporary] = useState<{ email: string; password: string } | null>(null);
  const reset = useMutation(trpc.users.resetPassword.mutationOptions({
    onSuccess: (r) => { setTemporary({ email: r.user.email, password: r.temporaryPassword }); void refresh(); },
  }));
  const failed = [setRole, setDisabled, remove, reset].find((m) => m.error)?.error;
  const busy = setRole.isPending || setDisabled.isPending || remove.isPending || reset.isPending;

  function submit(e: FormEvent) {
    e.preventDefault();
    const r = userForm.safeParse(form);
    setErrors(r.success ? {} : zodFieldErrors(r.error));
    if (r.success) create.mutate(r.data);
  }
  const input = (k: keyof typeof blank, label: string, type = 'text') => (
    <Field id={`user-${k}`} label={label} error={errors[k]}>
      <input id={`user-${k}`} type={type} autoComplete={type === 'password' ? 'new-password' : 'off'} value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} {...invalid(`user-${k}`, errors[k])} />
    </Field>
  );

  return (
    <div className="stack">
      {temporary && (
        <div className="panel stack" role="status" aria-live="polite">
          <strong>Temporary password for {temporary.email}: give it to them privately. It is shown only now; they must choose their own at their next sign-in.</strong>
          <div className="secret" data-testid="temporary-password">{temporary.password}</div>
          <div className="row">
            <button type="button" className="ghost" onClick={() => setTemporary(null)}>Done</button>
          </div>
        </div>
      )}
      <form className="panel filters" onSubmit={submit} noValidate aria-label="New user">
        {input('email', 'Email', 'email')}
        {input('name', 'Name')}
        <Field id="user-role" label="Role" error={errors.role}>
          <select id="user-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
            {ROLES.map((r) => <option key={r}>{r}</option>)}
          </select>
        </Field>
        <Field id="user-password" label="Initial password" error={errors.password} hint="At least 8 characters; they can change it under Account.">
          <input id="user-password" type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} {...invalid('user-password', errors.password)} />
        </Field>
        <button type="submit" disabled={create.isPending}>Add user</button>
        {create.error && !Object.keys(serverFieldErrors(create.error)).length && <span className="field-error" role="alert">{errorText(create.error)}</span>}
      </form>
      <div className="panel table-wrap">
        {users.error && <div className="alert" role="alert">{errorText(users.error)}</div>}
        <table aria-label="Users">
          <thead><tr><th>Email</th><th>Name</th><th>Role</th><th>Status</th><th>Created</th><th><span className="sr-only">Actions</span></th></tr></thead>
          <tbody>
            {users.data?.map((u) => (
              <tr key={u.id}>
                <td>{u.email}</td>
                <td>{u.name || '–'}</td>
                <td>
                  <label className="sr-only" htmlFor={`role-${u.id}`}>Role of {u.email}</label>
                  <select id={`role-${u.id}`} value={u.role} disabled={busy} onChange={(e) => setRole.mutate({ id: u.id, role: e.target.value as (typeof ROLES)[number] })}>
                    {ROLES.map((r) => <option key={r}>{r}</option>)}
                  </select>
                </td>
                <td>
                  {u.disabled ? <span className="badge bad">disabled</span> : <span className="badge ok">active</span>}
                  {u.mustChangePassword && <span className="badge cached" title="Signed in with a temporary password: must choose a new one"> new password due</span>}
                </td>
                <td className="small">{dateTime(u.createdAt)}</td>
                <td>
                  <div className="row" style={{ flexWrap: 'wrap', gap: 4 }}>
                    <button type="button" className="secondary" disabled={busy} aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.email}`}
                      title={u.disabled ? 'Let them sign in again' : 'Ends their sessions and stops their API keys at once'}
                      onClick={() => setDisabled.mutate({ id: u.id, disabled: !u.disabled })}>
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>
                    {u.hasPassword && (
                      <button type="button" className="secondary" disabled={busy} aria-label={`Reset password of ${u.email}`}
                        title="Sets a temporary password, shown once, to be changed at their next sign-in; ends their sessions"
                        onClick={() => { if (window.confirm(`Reset the password of ${u.email}? Their open sessions end now.`)) reset.mutate({ id: u.id }); }}>
                        Reset password
                      </button>
                    )}
                    <button type="button" className="ghost" disabled={busy} aria-label={`Delete ${u.email}`}
                      onClick={() => { if (window.confirm(`Delete ${u.email}? Their sessions end and the API keys they created are revoked.`)) remove.mutate({ id: u.id }); }}>
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {failed && <div className="alert" role="alert">{errorText(failed)}</div>}
      </div>
    </div>
  );
}
