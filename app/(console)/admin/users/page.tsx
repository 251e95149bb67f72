import type { Metadata } from 'next';
import { AdminPage } from '@/components/AdminPage';
import { UsersAdmin } from '@/components/admin/UsersAdmin';

export const metadata: Metadata = { title: 'Users & roles' };

export default function Page() {
  return (
    <AdminPage path="/admin/users" title="Users & roles" intro="Who can sign in, and what they may see: user (chat), analyst (dashboards, decisions), admin (everything).">
      <UsersAdmin />
    </AdminPage>
  );
}
