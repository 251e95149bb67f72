import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { Nav } from '@/components/Nav';
import { getViewer } from '@/lib/session';
import { TrpcProviders } from '@/lib/trpc';

// Every console page needs a session; role checks are per page (requireRole) and, authoritative,
// in the tRPC procedure ladder.
export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  if (!viewer) redirect('/signin');
  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      <Nav viewer={viewer} />
      <main id="main" className="main">
        <TrpcProviders>{children}</TrpcProviders>
      </main>
    </div>
  );
}
