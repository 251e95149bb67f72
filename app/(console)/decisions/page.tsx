import type { Metadata } from 'next';
import { Suspense } from 'react';
import { DecisionsExplorer } from '@/components/decisions/DecisionsExplorer';
import { Forbidden } from '@/components/Forbidden';
import { requireRole } from '@/lib/session';

export const metadata: Metadata = { title: 'Decisions' };

export default async function DecisionsPage() {
  if (!(await requireRole('analyst', '/decisions'))) return <Forbidden needed="analyst" />;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Decisions</h1>
          <p>Every routed request: where it went, why, and what it cost.</p>
        </div>
      </div>
      <Suspense>
        <DecisionsExplorer />
      </Suspense>
    </>
  );
}
