import type { Metadata } from 'next';
import { Suspense } from 'react';
import { SignInForm } from '@/components/SignInForm';

export const metadata: Metadata = { title: 'Sign in' };

export default function SignInPage() {
  return (
    <div className="signin-wrap">
      <main className="panel signin">
        <div className="brand" style={{ color: 'var(--ink)', padding: '0 0 8px' }}>
          Cascade<span style={{ color: 'var(--accent)' }}>.</span>
        </div>
        <h1>Sign in</h1>
        <p className="muted" style={{ marginTop: 0 }}>Route every query to the cheapest model that answers it well.</p>
        <Suspense>
          <SignInForm />
        </Suspense>
      </main>
    </div>
  );
}
