// The way back in when no admin can sign in (the only admin forgot the password, or was demoted or
// disabled by hand in the database): run from a shell on the host, so whoever runs it already
// controls the installation. Makes the account an enabled admin with a temporary password that must
// be changed at the next sign-in, and ends its open sessions. Creates the account when missing.
import type { PrismaClient } from '../db/client';
import { auditData } from './audit';
import { temporaryPassword } from './user-store';
import { hashPassword } from './users';

export async function recoverAdmin(prisma: PrismaClient, email: string): Promise<{ id: string; email: string; created: boolean; temporaryPassword: string }> {
  const password = temporaryPassword();
  const passwordHash = await hashPassword(password);
  const existing = await prisma.user.findUnique({ where: { email } });
  const data = { role: 'admin', disabled: false, passwordHash, mustChangePassword: true, passwordChangedAt: new Date() };
  const [u] = await prisma.$transaction([
    existing
      ? prisma.user.update({ where: { id: existing.id }, data: { ...data, sessionVersion: { increment: 1 } } })
      : prisma.user.create({ data: { ...data, email, name: 'Admin' } }),
    prisma.auditEvent.create({
      data: auditData({ id: null, label: 'cli' }, 'user.resetAdmin', email, existing ? { fromRole: existing.role, wasDisabled: existing.disabled } : { created: true }),
    }),
  ]);
  return { id: u.id, email: u.email, created: !existing, temporaryPassword: password };
}
