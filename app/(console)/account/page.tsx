import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PasswordForm } from '@/components/account/PasswordForm';
import { getViewer } from '@/lib/session';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ required?: string; callbackUrl?: string }> }) {
  const viewer = await getViewer();
  if (!viewer) redirect('/signin?callbackUrl=%2Faccount');
  const sp = await searchParams;
  const required = viewer.mustChangePassword || sp.required === '1';
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Account</h1>
          <p>
            Signed in as <strong>{viewer.email}</strong>, role <strong>{viewer.role}</strong>. Roles are given by an admin under Users &amp; roles.
          </p>
        </div>
      </div>
      {required && (
        <div className="alert" role="alert">
          Your account has a temporary password. Choose your own to continue.
        </div>
      )}
      <PasswordForm email={viewer.email ?? ''} callbackUrl={sp.callbackUrl ?? null} />
    </>
  );
}
