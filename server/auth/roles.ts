// Roles are a ladder: admin can do what analyst can, analyst what user can.
import { ROLES, type Role } from '../contracts/principal';

const RANK: Record<Role, number> = { user: 0, analyst: 1, admin: 2 };

export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export function asRole(value: unknown): Role {
  return (ROLES as readonly unknown[]).includes(value) ? (value as Role) : 'user';
}
