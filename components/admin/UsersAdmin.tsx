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
  const setRole = useMutation(trpc.users.setRole.mutationOptions({ onSuccess: () => refresh() }));

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
      <form className="panel filters" onSubmit={submit} noValidate aria-label="New user">
        {input('email', 'Email', 'email')}
        {input('name', 'Name')}
        <Field id="user-role" label="Role" error={errors.role}>
          <select id="user-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
            {ROLES.map((r) => <option key={r}>{r}</option>)}
          </select>
        </Field>
        {input('password', 'Initial password', 'password')}
        <button type="submit" disabled={create.isPending}>Add user</button>
        {create.error && !Object.keys(serverFieldErrors(create.error)).length && <span className="field-error" role="alert">{errorText(create.error)}</span>}
      </form>
      <div className="panel table-wrap">
        {users.error && <div className="alert" role="alert">{errorText(users.error)}</div>}
        <table aria-label="Users">
          <thead><tr><th>Email</th><th>Name</th><th>Role</th><th>Status</th><th>Created</th></tr></thead>
          <tbody>
            {users.data?.map((u) => (
              <tr key={u.id}>
                <td>{u.email}</td>
                <td>{u.name || '–'}</td>
                <td>
                  <label className="sr-only" htmlFor={`role-${u.id}`}>Role of {u.email}</label>
                  <select id={`role-${u.id}`} value={u.role} disabled={setRole.isPending} onChange={(e) => setRole.mutate({ id: u.id, role: e.target.value as (typeof ROLES)[number] })}>
                    {ROLES.map((r) => <option key={r}>{r}</option>)}
                  </select>
                </td>
                <td>{u.disabled ? <span className="badge bad">disabled</span> : <span className="badge ok">active</span>}</td>
                <td className="small">{dateTime(u.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {setRole.error && <div className="alert" role="alert">{errorText(setRole.error)}</div>}
      </div>
    </div>
  );
}
