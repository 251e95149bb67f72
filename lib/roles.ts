// Role ladder of the console, mirrored from the tRPC procedure ladder: admin > analyst > user.
export const ROLES = ['user', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function asRole(v: unknown): Role | null {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v) ? (v as Role) : null;
}

/** True when `role` is at least `needed` on the ladder. */
export function atLeast(role: Role | null | undefined, needed: Role): boolean {
  if (!role) return false;
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export interface NavItem {
  href: string;
  label: string;
  role: Role;
  section: 'Use' | 'Analyze' | 'Administer';
}

export const NAV: NavItem[] = [
  { href: '/chat', label: 'Chat', role: 'user', section: 'Use' },
  { href: '/batch', label: 'Batch jobs', role: 'analyst', section: 'Use' },
  { href: '/dashboards', label: 'Dashboards', role: 'analyst', section: 'Analyze' },
  { href: '/decisions', label: 'Decisions', role: 'analyst', section: 'Analyze' },
  { href: '/admin/policy', label: 'Routing policy', role: 'admin', section: 'Administer' },
  { href: '/admin/tiers', label: 'Tiers', role: 'admin', section: 'Administer' },
  { href: '/admin/tuner', label: 'Tuner proposals', role: 'admin', section: 'Administer' },
  { href: '/admin/models', label: 'Models', role: 'admin', section: 'Administer' },
  { href: '/admin/keys', label: 'API keys', role: 'admin', section: 'Administer' },
  { href: '/admin/users', label: 'Users & roles', role: 'admin', section: 'Administer' },
  { href: '/admin/audit', label: 'Audit log', role: 'admin', section: 'Administer' },
];
