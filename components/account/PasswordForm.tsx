'use client';
import { useMutation } from '@tanstack/react-query';
import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';
import { serverFieldErrors, type FieldErrors } from '@/lib/form-errors';
import { errorText, useTRPC } from '@/lib/trpc';
import { Field, invalid } from '../Field';

/** Only same-site paths are followed afterwards (no open redirect through callbackUrl). */
function safeCallback(v: string | null): string {
  return v && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/account') ? v : '/chat';
}

/**
 * Change your own password. The change ends every session of the account, this one included (so a
 * stolen session dies with the old password); the form then signs in again with the new password.
 */
export function PasswordForm({ email, callbackUrl }: { email: string; callbackUrl: string | null }) {
  const trpc = useTRPC();
  const [form, setForm] = useState({ current: '', next: '', confirm: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState(false);
  const change = useMutation(trpc.account.changePassword.mutationOptions({
    onSuccess: async () => {
      const res = await signIn('credentials', { email, password: form.next, redirect: false });
      setForm({ current: '', next: '', confirm: '' });
      if (!res || res.error) return void window.location.assign('/signin');
      setDone(true);
      window.location.assign(safeCallback(callbackUrl));
    },
    onError: (e) => setErrors(serverFieldErrors(e)),
  }));

  function submit(e: FormEvent) {
    e.preventDefault();
    const errs: FieldErrors = {};
    if (!form.current) errs.current = 'enter your current password';
    if (form.next.length < 10) errs.next = 'the new password needs at least 10 characters';
    else if (form.next !== form.confirm) errs.confirm = 'the two new passwords differ';
    setErrors(errs);
    if (Object.keys(errs).length === 0) change.mutate({ current: form.current, next: form.next });
  }
  const input = (k: keyof typeof form, label: string, hint?: string, autoComplete = 'new-password') => (
    <Field id={`pw-${k}`} label={label} error={errors[k]} hint={hint}>
      <input id={`pw-${k}`} type="password" autoComplete={autoComplete} value={form[k]} onChange={(e) => setForm({ ...form, [k]: e.target.value })} {...invalid(`pw-${k}`, errors[k])} />
    </Field>
  );

  return (
    <form className="panel stack" style={{ maxWidth: 460 }} onSubmit={submit} noValidate aria-label="Change password">
      <h2 style={{ margin: 0 }}>Change password</h2>
      {input('current', 'Current password', 'The one you signed in with (or the temporary one an admin gave you).', 'current-password')}
      {input('next', 'New password', 'At least 10 characters. Your other sessions end when you save.')}
      {input('confirm', 'New password again')}
      {change.error && !Object.keys(serverFieldErrors(change.error)).length && <div className="alert" role="alert">{errorText(change.error)}</div>}
      {done && <div role="status">Password changed.</div>}
      <div className="row">
        <button type="submit" disabled={change.isPending}>{change.isPending ? 'Saving…' : 'Change password'}</button>
      </div>
    </form>
  );
}
