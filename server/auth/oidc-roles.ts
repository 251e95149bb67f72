// Role mapping for single sign-on: OIDC_ROLE_CLAIM names an ID-token claim (a string or a list,
// e.g. `groups`), OIDC_ROLE_MAP says which of its values make an admin or an analyst:
// `admin=cascade-admins;analyst=cascade-analysts,data-team`. The highest matching role wins; a
// user matching none is a `user`. Without a claim configured, roles are managed in Cascade.
import { z } from 'zod';
import { ROLES, type Role } from '../contracts/principal';
import { hasRole } from './roles';

export interface RoleMapping {
  claim: string;
  values: Map<string, Role>;
}

const roleName = z.enum(ROLES);

/** Parses OIDC_ROLE_MAP; throws with a readable message on a bad entry (checked at start). */
export function parseRoleMapping(claim: string | undefined, map: string | undefined): RoleMapping | null {
  if (!claim) return null;
  const values = new Map<string, Role>();
  for (const entry of (map ?? '').split(';').map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const role = roleName.safeParse(entry.slice(0, eq).trim());
    if (eq <= 0 || !role.success) throw new Error(`OIDC_ROLE_MAP: "${entry}" must look like admin=value1,value2 (roles: ${ROLES.join(', ')})`);
    for (const v of entry.slice(eq + 1).split(',').map((x) => x.trim()).filter(Boolean)) values.set(v, role.data);
  }
  return { claim, values };
}

/** The role a profile's claim maps to, or null when no mapping is configured. */
export function roleFromClaims(mapping: RoleMapping | null, claims: Record<string, unknown>): Role | null {
  if (!mapping) return null;
  const raw = claims[mapping.claim];
  const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
  let best: Role = 'user';
  for (const v of values) {
    const r = typeof v === 'string' ? mapping.values.get(v) : undefined;
    if (r && hasRole(r, best)) best = r;
  }
  return best;
}
