// User accounts over Prisma: create, role, disable / enable, delete, password change and reset.
// Every change bumps the user's session version (open sessions end at their next request, see
// server/auth/session.ts), is written together with its audit event, and tells the account-state
// cache at once. The last active admin can never be demoted, disabled or deleted: those changes
// take a transaction-scoped advisory lock first, so two admins demoting each other at the same
// moment cannot both succeed.
import { randomBytes } from 'node:crypto';
import { verify as argonVerify } from '@node-rs/argon2';
import type { Prisma, PrismaClient } from '../db/client';
import { asRole } from '../auth/roles';
import type { UserStore, UserView } from '../contracts/stores';
import type { Role } from '../contracts/principal';
import { DomainError, type ErrorCode } from '../lib/errors';
import { auditData } from './audit';
import { hashPassword } from './users';

type UserRow = { id: string; email: string; name: string; role: string; disabled: boolean; createdAt: Date; mustChangePassword: boolean; passwordHash: string | null };

const userView = (u: UserRow): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  role: asRole(u.role),
  disabled: u.disabled,
  createdAt: u.createdAt,
  mustChangePassword: u.mustChangePassword,
  hasPassword: u.passwordHash !== null,
});
const err = (code: ErrorCode, message: string) => new DomainError(code, message);
/** A 400 the form shows next to the field (the tRPC error formatter forwards `issues`). */
const fieldError = (path: string, message: string) => new DomainError('validation', message, { issues: [{ path, message }] });

/** Arbitrary constant: serializes changes that could remove the last active admin. */
const ADMIN_GUARD_LOCK = 72_155_014_222;

/** A readable one-time password: 4 groups of 4 from an alphabet without look-alikes (~80 bits). */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(16);
  let out = '';
  for (let i = 0; i < 16; i++) out += alphabet[bytes[i] % alphabet.length] + (i % 4 === 3 && i < 15 ? '-' : '');
  return out;
}

export interface UserStoreOptions {
  /** Called after every committed change to a user (the account-state cache, the key verifier). */
  onChange?: (userId: string) => void;
}

export function userStore(prisma: PrismaClient, opts: UserStoreOptions = {}): UserStore {
  const changed = (id: string) => opts.onChange?.(id);

  /** Fails when `id` is the last enabled admin and the change would take that away. */
  async function guardLastAdmin(tx: Prisma.TransactionClient, target: { id: string; role: string; disabled: boolean }, what: string): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_GUARD_LOCK}::bigint)`;
    if (target.role !== 'admin' || target.disabled) return;
    const others = await tx.user.count({ where: { role: 'admin', disabled: false, id: { not: target.id } } });
    if (others === 0) {
      throw err('conflict', `${what} would leave no active admin; make another user admin first (or use \`npm run cascade -- reset-admin\`)`);
    }
  }

  async function existing(tx: Prisma.TransactionClient, id: string) {
    const u = await tx.user.findUnique({ where: { id } });
    if (!u) throw err('not_found', `user ${id} not found`);
    return u;
  }

  return {
    async list() {
      return (await prisma.user.findMany({ orderBy: { createdAt: 'asc' } })).map(userView);
    },

    async create(input, actor) {
      if (await prisma.user.findUnique({ where: { email: input.email } })) throw err('conflict', `a user with email ${input.email} exists`);
      const passwordHash = await hashPassword(input.password);
      const [u] = await prisma.$transaction([
        prisma.user.create({ data: { email: input.email, name: input.name, role: input.role, passwordHash, passwordChangedAt: new Date() } }),
        prisma.auditEvent.create({ data: auditData(actor, 'user.create', input.email, { role: input.role }) }),
      ]);
      return userView(u);
    },

    async setRole(id, role: Role, actor) {
      const u = await prisma.$transaction(async (tx) => {
        const before = await existing(tx, id);
        if (before.role === role) return before;
        if (role !== 'admin') await guardLastAdmin(tx, before, `demoting ${before.email}`);
        await tx.auditEvent.create({ data: auditData(actor, 'user.setRole', before.email, { from: before.role, to: role }) });
        return tx.user.update({ where: { id }, data: { role, sessionVersion: { increment: 1 } } });
      });
      changed(id);
      return userView(u);
    },

    async setDisabled(id, disabled, actor) {
      const u = await prisma.$transaction(async (tx) => {
        const before = await existing(tx, id);
        if (before.disabled === disabled) return before;
        if (disabled) await guardLastAdmin(tx, before, `disabling ${before.email}`);
        await tx.auditEvent.create({ data: auditData(actor, disabled ? 'user.disable' : 'user.enable', before.email, {}) });
        return tx.user.update({ where: { id }, data: { disabled, sessionVersion: { increment: 1 } } });
      });
      changed(id);
      return userView(u);
    },

    async remove(id, actor) {
      if (actor.id === id) throw err('conflict', 'you cannot delete your own account; ask another admin');
      await prisma.$transaction(async (tx) => {
        const before = await existing(tx, id);
        await guardLastAdmin(tx, before, `deleting ${before.email}`);
        // Keys lose their creator on delete (SetNull); revoke them first so none outlives its owner.
        const keys = await tx.apiKey.updateMany({ where: { createdById: id, revokedAt: null }, data: { revokedAt: new Date() } });
        await tx.auditEvent.create({ data: auditData(actor, 'user.delete', before.email, { role: before.role, keysRevoked: keys.count }) });
        await tx.user.delete({ where: { id } });
      });
      changed(id);
      return { id };
    },

    async resetPassword(id, actor) {
      const temporary = temporaryPassword();
      const passwordHash = await hashPassword(temporary);
      const u = await prisma.$transaction(async (tx) => {
        const before = await existing(tx, id);
        await tx.auditEvent.create({ data: auditData(actor, 'user.resetPassword', before.email, {}) });
        return tx.user.update({ where: { id }, data: { passwordHash, mustChangePassword: true, passwordChangedAt: new Date(), sessionVersion: { increment: 1 } } });
      });
      changed(id);
      return { user: userView(u), temporaryPassword: temporary };
    },

    async changePassword(id, current, next, actor) {
      const before = await prisma.user.findUnique({ where: { id } });
      if (!before || before.disabled) throw err('not_found', 'account not found');
      const ok = before.passwordHash ? await argonVerify(before.passwordHash, current).catch(() => false) : false;
      if (!ok) throw fieldError('current', 'the current password is not correct');
      if (current === next) throw fieldError('next', 'choose a password different from the current one');
      const passwordHash = await hashPassword(next);
      const [u] = await prisma.$transaction([
        prisma.user.update({ where: { id }, data: { passwordHash, mustChangePassword: false, passwordChangedAt: new Date(), sessionVersion: { increment: 1 } } }),
        prisma.auditEvent.create({ data: auditData(actor, 'user.changePassword', before.email, {}) }),
      ]);
      changed(id);
      return userView(u);
    },
  };
}
