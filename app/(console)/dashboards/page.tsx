import type { Metadata } from 'next';
import { Suspense } from 'react';
import { DashboardView } from '@/components/dashboards/DashboardView';
import { Forbidden } from '@/components/Forbidden';
import { requireRole } from '@/lib/session';

export const metadata: Metadata = { title: 'Dashboards' };

export default async function DashboardsPage() {
  if (!(await requireRole('analyst', '/dashboards'))) return <Forbidden needed="analyst" />;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Dashboards</h1>
          <p>Cost, savings, quality and speed of routing. Filters are kept in the URL. All times and buckets are UTC (days start 00:00 UTC).</p>
        </div>
      </div>
      <Suspense>
        <DashboardView />
      </Suspense>
    </>
  );
}
