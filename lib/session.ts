// Server-side session access for pages and layouts. Page guards live here so a page can never
// forget one: requireRole() redirects anonymous visitors to sign in and returns null when the role
// is too low (the page then renders 403). The tRPC procedure ladder enforces the same rule again.
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { sessionPrincipal } from '@/server/auth/session';
import { getRuntime } from '@/server/runtime';
import { atLeast, type Role } from './roles';

export interface Viewer {
  id: string;
  email: string | null;
  name: string | null;
  role: Role;
  /** Signed in with a temporary password: every page sends them to choose a new one. */
  mustChangePassword: boolean;
}

export async function getViewer(): Promise<Viewer | null> {
  const rt = await getRuntime();
  const p = await sessionPrincipal((await headers()).get('cookie'), rt.authSecret, rt.accounts);
  if (!p) return null;
  return { id: p.id, email: p.name || null, name: p.name || null, role: p.role, mustChangePassword: p.mustChangePassword === true };
}

/** The viewer if their role is at least `needed`; redirects to sign-in when anonymous; null when forbidden. */
export async function requireRole(needed: Role, from: string): Promise<Viewer | null> {
  const viewer = await getViewer();
  if (!viewer) redirect(`/signin?callbackUrl=${encodeURIComponent(from)}`);
  if (viewer.mustChangePassword) redirect(`/account?required=1&callbackUrl=${encodeURIComponent(from)}`);
  return atLeast(viewer.role, needed) ? viewer : null;
}
