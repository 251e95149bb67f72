import type { Metadata } from 'next';
import { DecisionDetailView } from '@/components/decisions/DecisionDetailView';
import { Forbidden } from '@/components/Forbidden';
import { requireRole } from '@/lib/session';

export const metadata: Metadata = { title: 'Decision' };

export default async function DecisionPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!(await requireRole('analyst', `/decisions/${id}`))) return <Forbidden needed="analyst" />;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Decision</h1>
          <p>Signals, plan, each tier attempt and what the alternatives would have cost.</p>
        </div>
      </div>
      <DecisionDetailView id={id} />
    </>
  );
}
