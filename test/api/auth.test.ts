// next-auth options with the real runtime: the credentials provider checks argon2 hashes through
// the users store, and the role travels user -> JWT -> session.
import '../../server/runtime/preload-native';
import type { JWT } from 'next-auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authOptions, buildAuthOptions } from '../../lib/auth-options';
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
    expect(token).toMatchObject({ sub: u.id, role: 'analyst' });
    const session = await authOptions.callbacks!.session!({ session: { user: { email }, expires: '' }, token, user: undefined as never, newSession: undefined, trigger: 'update' });
    expect(session.user).toMatchObject({ id: u.id, role: 'analyst' });
    expect(authOptions.secret?.length).toBeGreaterThanOrEqual(32);
  });

  it('adds an OIDC provider only when configured', () => {
    const users = runtime.users;
    expect(buildAuthOptions({ secret: 's', users }).providers.map((p) => p.id)).toEqual(['credentials']);
    const withOidc = buildAuthOptions({ secret: 's', users, oidc: { issuer: 'https://id.example.com/', clientId: 'c', clientSecret: 'x' } });
    expect(withOidc.providers.map((p) => p.id)).toEqual(['credentials', 'oidc']);
    expect((withOidc.providers[1] as { wellKnown?: string }).wellKnown).toBe('https://id.example.com/.well-known/openid-configuration');
  });
});
