// Accounts against a Postgres schema of their own (the last-admin guard needs to know every admin):
// open sessions end when role, password or status changes; the last active admin cannot be
// demoted, disabled or deleted; API keys follow their creator, expire, and record last use.
import { encode } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../db/client';
import { freshDatabase } from '../../test/fixtures/feedback';
import { keyUsage } from '../repos/key-usage';
import { userStore } from '../repos/user-store';
import { apiKeyStore, apiKeyVerifier, userAuth } from '../repos/users';
import type { UserStore } from '../contracts/stores';
import { accountStates, type AccountStates } from './account-state';
import { sessionPrincipal } from './session';

const SECRET = 'accounts-test-secret-0123456789abcdef';
const cli = { id: null, label: 'test' };

let db: { prisma: PrismaClient; drop(): Promise<void> };
let accounts: AccountStates;
let verifier: ReturnType<typeof apiKeyVerifier>;
let users: UserStore;

beforeAll(async () => {
  db = await freshDatabase();
  accounts = accountStates(db.prisma);
  verifier = apiKeyVerifier(db.prisma);
  users = userStore(db.prisma, { onChange: (id) => { accounts.forget(id); verifier.forget(); } });
});
afterAll(async () => {
  await db?.drop();
});

/** Signs in with the password the way next-auth's credentials provider does, and returns the cookie. */
async function signIn(email: string, password: string): Promise<string> {
  const u = await userAuth(db.prisma).verifyPassword(email, password);
  if (!u) throw new Error('sign-in refused');
  const token = await encode({ token: { sub: u.id, email: u.email, role: u.role, sv: u.sessionVersion }, secret: SECRET });
  return `next-auth.session-token=${token}`;
}
const who = (cookie: string) => sessionPrincipal(cookie, SECRET, accounts);
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code ?? String(e));

describe('the last active admin', () => {
  it('cannot be demoted, disabled or deleted; once another admin exists, can', async () => {
    const only = await users.create({ email: 'only-admin@test.local', name: '', role: 'admin', password: 'password one' }, cli);
    const other = await users.create({ email: 'other@test.local', name: '', role: 'user', password: 'password two' }, cli);
    const byOther = { id: other.id, label: other.email };
    expect(await codeOf(users.setRole(only.id, 'analyst', byOther))).toBe('conflict');
    expect(await codeOf(users.setDisabled(only.id, true, byOther))).toBe('conflict');
    expect(await codeOf(users.remove(only.id, byOther))).toBe('conflict');
    expect(await codeOf(users.remove(only.id, { id: only.id, label: only.email }))).toBe('conflict');
    expect((await users.list()).find((u) => u.id === only.id)).toMatchObject({ role: 'admin', disabled: false });

    await users.setRole(other.id, 'admin', cli);
    // Two admins demoting each other at the same instant: one must stay admin.
    const results = await Promise.all([codeOf(users.setRole(only.id, 'user', cli)), codeOf(users.setRole(other.id, 'user', cli))]);
    expect(results.sort()).toEqual(['conflict', 'ok']);
    const admins = (await users.list()).filter((u) => u.role === 'admin' && !u.disabled);
    expect(admins).toHaveLength(1);
    const audit = await db.prisma.auditEvent.findMany({ where: { action: 'user.setRole' } });
    expect(audit.map((a) => a.target)).toContain(other.email);
  });
});

describe('open sessions', () => {
  it('end at the next request when the role changes, and come back with the new role after signing in', async () => {
    await users.create({ email: 'keeper@test.local', name: '', role: 'admin', password: 'keeper password' }, cli);
    const a = await users.create({ email: 'demoted@test.local', name: '', role: 'admin', password: 'admin password' }, cli);
    const cookie = await signIn(a.email, 'admin password');
    expect(await who(cookie)).toMatchObject({ id: a.id, role: 'admin' });
    await users.setRole(a.id, 'user', cli);
    expect(await who(cookie)).toBeNull();
    expect(await who(await signIn(a.email, 'admin password'))).toMatchObject({ role: 'user' });
  });

  it('end when the user is disabled, and sign-in is refused until re-enabled', async () => {
    const u = await users.create({ email: 'disabled@test.local', name: '', role: 'analyst', password: 'analyst password' }, cli);
    const cookie = await signIn(u.email, 'analyst password');
    await users.setDisabled(u.id, true, cli);
    expect(await who(cookie)).toBeNull();
    await expect(signIn(u.email, 'analyst password')).rejects.toThrow('refused');
    await users.setDisabled(u.id, false, cli);
    expect(await who(await signIn(u.email, 'analyst password'))).toMatchObject({ role: 'analyst' });
    const actions = (await db.prisma.auditEvent.findMany({ where: { target: u.email } })).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.create', 'user.disable', 'user.enable']));
  });

  it('end on an admin reset; the temporary password must then be changed, with the current one', async () => {
    const u = await users.create({ email: 'reset@test.local', name: '', role: 'user', password: 'forgotten password' }, cli);
    const cookie = await signIn(u.email, 'forgotten password');
    const { temporaryPassword } = await users.resetPassword(u.id, cli);
    expect(temporaryPassword).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(await who(cookie)).toBeNull();
    await expect(signIn(u.email, 'forgotten password')).rejects.toThrow('refused');
    const temp = await signIn(u.email, temporaryPassword);
    expect(await who(temp)).toMatchObject({ mustChangePassword: true });
    const me = { id: u.id, label: u.email };
    const wrong = await users.changePassword(u.id, 'not it', 'a brand new password', me).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'validation', issues: [{ path: 'current' }] });
    await users.changePassword(u.id, temporaryPassword, 'a brand new password', me);
    expect(await who(temp)).toBeNull(); // a password change ends every session, this one included
    const fresh = await who(await signIn(u.email, 'a brand new password'));
    expect(fresh).toMatchObject({ id: u.id });
    expect(fresh?.mustChangePassword).toBeUndefined();
  });

  it('end when the user is deleted, whose keys are revoked with them', async () => {
    const u = await users.create({ email: 'deleted@test.local', name: '', role: 'analyst', password: 'analyst password' }, cli);
    const cookie = await signIn(u.email, 'analyst password');
    const { key } = await apiKeyStore(db.prisma).create({ name: 'theirs', tenant: 'default', role: 'analyst' }, { id: u.id, label: u.email });
    await users.remove(u.id, cli);
    expect(await who(cookie)).toBeNull();
    expect(await verifier.verify(key)).toBeNull();
  });

  it('are refused for tokens naming no user', async () => {
    const token = await encode({ token: { sub: 'not-a-uuid', role: 'admin' }, secret: SECRET });
    expect(await who(`next-auth.session-token=${token}`)).toBeNull();
  });
});

describe('single sign-on', () => {
  it('takes the role the identity provider maps, ending other sessions when it changes; without a mapping keeps the account\'s', async () => {
    const auth = userAuth(db.prisma, { onChange: (id) => accounts.forget(id) });
    const first = await auth.upsertExternalUser('sso@test.local', 'SSO', 'analyst');
    expect(first).toMatchObject({ role: 'analyst', sessionVersion: 0 });
    const token = await encode({ token: { sub: first!.id, email: first!.email, sv: first!.sessionVersion }, secret: SECRET });
    expect(await who(`next-auth.session-token=${token}`)).toMatchObject({ role: 'analyst' });
    expect(await auth.upsertExternalUser('sso@test.local', 'SSO', 'admin')).toMatchObject({ role: 'admin', sessionVersion: 1 });
    expect(await who(`next-auth.session-token=${token}`)).toBeNull();
    expect(await auth.upsertExternalUser('sso@test.local', 'SSO', null)).toMatchObject({ role: 'admin', sessionVersion: 1 });
    expect(await db.prisma.auditEvent.count({ where: { target: 'sso@test.local', action: 'user.setRole' } })).toBe(1);
    await users.setDisabled(first!.id, true, cli);
    expect(await auth.upsertExternalUser('sso@test.local', 'SSO', 'admin')).toBeNull();
  });
});

describe('API keys', () => {
  it('never outrank their creator as the creator is now, and stop when the creator is disabled', async () => {
    const admin = await users.create({ email: 'key-maker@test.local', name: '', role: 'admin', password: 'maker password' }, cli);
    const { key } = await apiKeyStore(db.prisma).create({ name: 'ops', tenant: 'default', role: 'admin' }, { id: admin.id, label: admin.email });
    expect(await verifier.verify(key)).toMatchObject({ role: 'admin' });
    await users.setRole(admin.id, 'analyst', cli);
    expect(await verifier.verify(key)).toMatchObject({ role: 'analyst' });
    await users.setDisabled(admin.id, true, cli);
    expect(await verifier.verify(key)).toBeNull();
    // A key made on the command line has no creator and keeps its own role.
    const { key: cliKey } = await apiKeyStore(db.prisma).create({ name: 'cli', tenant: 'default', role: 'admin' }, cli);
    expect(await verifier.verify(cliKey)).toMatchObject({ role: 'admin' });
  });

  it('expire, carry their tier scope, and list without their hash', async () => {
    const store = apiKeyStore(db.prisma);
    const { key: expired } = await store.create({ name: 'old', tenant: 'default', role: 'user', expiresAt: new Date(Date.now() - 1000) }, cli);
    const { key: soon, apiKey } = await store.create({ name: 'soon', tenant: 't1', role: 'user', expiresAt: new Date(Date.now() + 3_600_000), allowedTiers: ['small'] }, cli);
    expect(await verifier.verify(expired)).toBeNull();
    expect(await verifier.verify(soon)).toMatchObject({ tenant: 't1', allowedTiers: ['small'] });
    const listed = (await store.list()).find((k) => k.id === apiKey.id);
    expect(listed).toMatchObject({ allowedTiers: ['small'] });
    expect(Object.keys(listed ?? {})).not.toContain('hash');
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(JSON.stringify(await store.list())).not.toContain(row.hash);
  });

  it('record when they were last used, in one write per flush', async () => {
    const usage = keyUsage(db.prisma, 0);
    const v = apiKeyVerifier(db.prisma, { onUse: usage.touch });
    const { key, apiKey } = await apiKeyStore(db.prisma).create({ name: 'used', tenant: 'default', role: 'user' }, cli);
    const before = Date.now();
    for (let i = 0; i < 5; i++) await v.verify(key);
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt).toBeNull();
    await usage.flush();
    const at = (await db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt;
    expect(at?.getTime()).toBeGreaterThanOrEqual(before - 1);
  });
});
