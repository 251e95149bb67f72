import type { Metadata } from 'next';
import { AdminPage } from '@/components/AdminPage';
import { AuditAdmin } from '@/components/admin/AuditAdmin';

export const metadata: Metadata = { title: 'Audit log' };

export default function Page() {
  return (
    <AdminPage path="/admin/audit" title="Audit log" intro="Every administrative change: who, what, when.">
      <AuditAdmin />
    </AdminPage>
  );
}
