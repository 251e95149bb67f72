import type { Metadata } from 'next';
import { BatchJobs } from '@/components/BatchJobs';
import { Forbidden } from '@/components/Forbidden';
import { requireRole } from '@/lib/session';

export const metadata: Metadata = { title: 'Batch jobs' };

export default async function BatchPage() {
  if (!(await requireRole('analyst', '/batch'))) return <Forbidden needed="analyst" />;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Batch jobs</h1>
          <p>Route a file of requests at once; each line is answered by the tier its complexity calls for.</p>
        </div>
      </div>
      <BatchJobs />
    </>
  );
}
