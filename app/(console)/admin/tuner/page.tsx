import type { Metadata } from 'next';
import { AdminPage } from '@/components/AdminPage';
import { TunerAdmin } from '@/components/admin/TunerAdmin';

export const metadata: Metadata = { title: 'Tuner proposals' };

export default function Page() {
  return (
    <AdminPage path="/admin/tuner" title="Tuner proposals" intro="Threshold changes the auto-tuner suggests, with the evidence behind them.">
      <TunerAdmin />
    </AdminPage>
  );
}
