import type { Metadata } from 'next';
import { AdminPage } from '@/components/AdminPage';
import { ModelsAdmin } from '@/components/admin/ModelsAdmin';

export const metadata: Metadata = { title: 'Models' };

export default function Page() {
  return (
    <AdminPage path="/admin/models" title="Models" intro="Versions of the models Cascade learns — the answer-quality model that judges cheap answers and the complexity classifier that routes prompts: promote one (every server swaps it in within seconds, no restart), roll back, or run one in shadow beside the active model.">
      <ModelsAdmin />
    </AdminPage>
  );
}
