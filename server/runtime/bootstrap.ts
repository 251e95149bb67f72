// First-start setup that the web process needs: an admin to sign in with and an active policy.
// Idempotent; the admin password is returned only when this call created the admin.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../db/client';
import { defaultPolicy } from '../routing/policy';
import type { Env } from '../env';
import type { Actor, PolicyStore } from './stores';
import { hashPassword } from './stores/users';

const SYSTEM: Actor = { id: null, label: 'system (first start)' };

export async function ensureAdmin(prisma: PrismaClient, e: Env): Promise<{ adminEmail: string; adminPassword: string } | null> {
  if ((await prisma.user.count()) > 0) return null;
  const password = e.CASCADE_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
  const passwordHash = await hashPassword(password);
  // createMany + skipDuplicates: two processes starting at once create one admin, not an error.
  const { count } = await prisma.user.createMany({ data: [{ email: e.CASCADE_ADMIN_EMAIL, name: 'Administrator', role: 'admin', passwordHash }], skipDuplicates: true });
  if (count === 0) return null;
  // A configured password is not a secret to print.
  return { adminEmail: e.CASCADE_ADMIN_EMAIL, adminPassword: e.CASCADE_ADMIN_PASSWORD ? '(CASCADE_ADMIN_PASSWORD)' : password };
}

export async function ensurePolicy(store: PolicyStore): Promise<void> {
  if (await store.active()) return;
  await store.save(defaultPolicy(), 'default policy of a fresh install', SYSTEM);
}
