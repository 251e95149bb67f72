import type { Metadata } from 'next';
import { AdminPage } from '@/components/AdminPage';
import { TiersAdmin } from '@/components/admin/TiersAdmin';

export const metadata: Metadata = { title: 'Tiers' };

export default function TiersPage() {
  return (
    <AdminPage path="/admin/tiers" title="Tiers" intro="OpenAI-compatible endpoints Cascade routes to, with their prices and limits.">
      <TiersAdmin />
    </AdminPage>
  );
}
