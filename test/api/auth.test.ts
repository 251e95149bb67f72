// next-auth options with the real runtime: the credentials provider checks argon2 hashes through
// the users store, and the role travels user -> JWT -> session.
import '../../server/runtime/preload-native';
import type { JWT } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authOptions, buildAuthOptions } from '../../lib/auth-options';
import { signInLimiter } from '../../server/auth/sign-in-limiter';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { testRuntime, uid } from './helpers';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await testRuntime();
});
afterAll(async () => {
  await stopRuntime();
});

type Authorize = (c: Record<string, string>, req: unknown) => Promise<{ id: string; role?: string } | null>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

describe('next-auth options', () => {
  it('signs in with the right password only, and carries the role into the session', async () => {
    const email = `${uid('analyst')}@test.local`;
    const u = await runtime.stores.users.create({ email, name: 'A', role: 'analyst', password: 'a long password' }, { id: null, label: 'test' });
    expect(await authorize({ email: email.toUpperCase(), password: 'wrong password' }, {})).toBeNull();
    expect(await authorize({ email: 'not-an-email', password: 'x' }, {})).toBeNull();
    const user = await authorize({ email, password: 'a long password' }, {});
    expect(user).toMatchObject({ id: u.id, role: 'analyst' });
    const token = (await authOptions.callbacks!.jwt!({ token: { email } as JWT, user: user as never, account: null, trigger: 'signIn' })) as JWT;
    expect(token).toMatchObject({ sub: u.id, role: 'analyst', sv: 0 });
    const session = await authOptions.callbacks!.session!({ session: { user: { email }, expires: '' }, token, user: undefined as never, newSession: undefined, trigger: 'update' });
    expect(session.user).toMatchObject({ id: u.id, role: 'analyst' });
    expect(authOptions.secret?.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses further attempts on an account after repeated failures, even with the right password', async () => {
    const email = `${uid('guessed')}@test.local`;
    await runtime.stores.users.create({ email, name: '', role: 'user', password: 'the right password' }, { id: null, label: 'test' });
    const limited = buildAuthOptions({ secret: 's', users: runtime.users, limiter: signInLimiter({ perAccount: 3, perAddress: 100, windowMs: 60_000 }) });
    const auth = (limited.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;
    const req = { headers: { 'x-cascade-client-address': '192.0.2.7' } };
    for (let i = 0; i < 3; i++) expect(await auth({ email, password: `guess ${i}` }, req)).toBeNull();
    await expect(auth({ email, password: 'the right password' }, req)).rejects.toThrow(/Too many failed sign-ins/);
  });

  it('adds an OIDC provider only when configured', () => {
    const users = runtime.users;
    expect(buildAuthOptions({ secret: 's', users }).providers.map((p) => p.id)).toEqual(['credentials']);
    const withOidc = buildAuthOptions({ secret: 's', users, oidc: { issuer: 'https://id.example.com/', clientId: 'c', clientSecret: 'x' } });
    expect(withOidc.providers.map((p) => p.id)).toEqual(['credentials', 'oidc']);
    expect((withOidc.providers[1] as { wellKnown?: string }).wellKnown).toBe('https://id.example.com/.well-known/openid-configuration');
  });
});
