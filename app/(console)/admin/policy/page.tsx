import type { Metadata } from 'next';
import { AdminPage } from '@/components/AdminPage';
import { PolicyEditor } from '@/components/admin/policy/PolicyEditor';

export const metadata: Metadata = { title: 'Routing policy' };

export default function Page() {
  return (
    <AdminPage path="/admin/policy" title="Routing policy" intro="Thresholds, tiers, escalation, rules, budgets and the tuner. Every save is a new version you can roll back.">
      <PolicyEditor />
    </AdminPage>
  );
}
