import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../db/client';
import { freshDatabase } from '../../test/fixtures/feedback';
import { recoverAdmin } from './recover-admin';
import { userStore } from './user-store';
import { userAuth } from './users';

let db: { prisma: PrismaClient; drop(): Promise<void> };
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('reset-admin', () => {
  it('brings back an admin who was demoted and disabled by hand, with a password to change', async () => {
    const users = userStore(db.prisma);
    const u = await users.create({ email: 'lost@test.local', name: '', role: 'admin', password: 'lost password' }, { id: null, label: 't' });
    await db.prisma.user.update({ where: { id: u.id }, data: { role: 'user', disabled: true } });
    const r = await recoverAdmin(db.prisma, 'lost@test.local');
    expect(r).toMatchObject({ id: u.id, created: false });
    expect(await userAuth(db.prisma).verifyPassword('lost@test.local', 'lost password')).toBeNull();
    expect(await userAuth(db.prisma).verifyPassword('lost@test.local', r.temporaryPassword)).toMatchObject({ role: 'admin', mustChangePassword: true, sessionVersion: 1 });
    expect(await db.prisma.auditEvent.count({ where: { action: 'user.resetAdmin', target: 'lost@test.local' } })).toBe(1);
  });
  it('creates the account when it does not exist', async () => {
    const r = await recoverAdmin(db.prisma, 'new-admin@test.local');
    expect(r.created).toBe(true);
    expect(await userAuth(db.prisma).verifyPassword('new-admin@test.local', r.temporaryPassword)).toMatchObject({ role: 'admin' });
  });
});
