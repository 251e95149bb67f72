import type { Metadata } from 'next';
import { AdminPage } from '@/components/AdminPage';
import { KeysAdmin } from '@/components/admin/KeysAdmin';

export const metadata: Metadata = { title: 'API keys' };

export default function Page() {
  return (
    <AdminPage path="/admin/keys" title="API keys" intro="Keys for scripts and applications. A new key is shown once; only its hash is stored.">
      <KeysAdmin />
    </AdminPage>
  );
}
