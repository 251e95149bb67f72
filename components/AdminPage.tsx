import type { ReactNode } from 'react';
import { Forbidden } from './Forbidden';
import { requireRole } from '@/lib/session';

/** Server wrapper of every admin page: guard, heading, then the client component. */
export async function AdminPage({ path, title, intro, children }: { path: string; title: string; intro: string; children: ReactNode }) {
  if (!(await requireRole('admin', path))) return <Forbidden needed="admin" />;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>{title}</h1>
          <p>{intro}</p>
        </div>
      </div>
      {children}
    </>
  );
}
