'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { signOut } from 'next-auth/react';
import { NAV, atLeast, type Role } from '@/lib/roles';

// Shows only the pages the viewer's role may open (the server enforces it again).
export function Nav({ viewer }: { viewer: { email: string | null; name: string | null; role: Role } }) {
  const path = usePathname() ?? '';
  const items = NAV.filter((n) => atLeast(viewer.role, n.role));
  const sections = [...new Set(items.map((i) => i.section))];
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        Cascade<span>.</span>
      </div>
      {sections.map((s) => (
        <div key={s}>
          <div className="nav-section">{s}</div>
          {items
            .filter((i) => i.section === s)
            .map((i) => (
              <Link key={i.href} href={i.href} className="nav-link" aria-current={path === i.href || path.startsWith(`${i.href}/`) ? 'page' : undefined}>
                {i.label}
              </Link>
            ))}
        </div>
      ))}
      <div className="sidebar-foot">
        <div className="who" data-testid="viewer">{viewer.name ?? viewer.email}</div>
        <div className="muted">role: {viewer.role}</div>
        <Link href="/account" className="nav-link" style={{ paddingLeft: 0 }}>
          Account &amp; password
        </Link>
        {/* A relative redirect: the page stays on whatever host name or proxy the browser used. */}
        <button
          type="button"
          className="ghost"
          style={{ color: '#a5b4fc', paddingLeft: 0 }}
          onClick={() => void signOut({ redirect: false }).then(() => window.location.assign('/signin'))}
        >
          Sign out
        </button>
      </div>
    </nav>
  );
}
