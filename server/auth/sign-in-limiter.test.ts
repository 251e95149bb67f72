import { describe, expect, it } from 'vitest';
import { signInLimiter } from './sign-in-limiter';
import { parseRoleMapping, roleFromClaims } from './oidc-roles';

describe('sign-in limiter', () => {
  const limits = { perAccount: 3, perAddress: 5, windowMs: 60_000 };
  it('blocks an account after its failures, from any address, until the oldest leaves the window', () => {
    const l = signInLimiter(limits);
    for (let i = 0; i < 3; i++) {
      expect(l.blocked('a@x', `10.0.0.${i}`, 1000 + i)).toBeNull();
      l.failed('a@x', `10.0.0.${i}`, 1000 + i);
    }
    expect(l.blocked('a@x', '10.9.9.9', 2000)).toBe(59);
    expect(l.blocked('b@x', '10.9.9.9', 2000)).toBeNull();
    expect(l.blocked('a@x', '10.9.9.9', 61_001)).toBeNull();
  });
  it('blocks an address trying many accounts, and a success does not clear the address', () => {
    const l = signInLimiter(limits);
    for (let i = 0; i < 5; i++) l.failed(`u${i}@x`, '10.0.0.1', 1000);
    expect(l.blocked('new@x', '10.0.0.1', 1000)).not.toBeNull();
    expect(l.blocked('new@x', '10.0.0.2', 1000)).toBeNull();
    l.succeeded('u0@x');
    expect(l.blocked('u0@x', '10.0.0.1', 1000)).not.toBeNull();
    expect(l.blocked('u0@x', '10.0.0.3', 1000)).toBeNull();
  });
});

describe('OIDC role mapping', () => {
  const m = parseRoleMapping('groups', 'admin=ops-admins; analyst=data,finance');
  it('takes the highest role whose value the claim carries, else user', () => {
    expect(roleFromClaims(m, { groups: ['finance', 'ops-admins'] })).toBe('admin');
    expect(roleFromClaims(m, { groups: ['data'] })).toBe('analyst');
    expect(roleFromClaims(m, { groups: 'data other' })).toBe('analyst');
    expect(roleFromClaims(m, { groups: ['nobody'] })).toBe('user');
    expect(roleFromClaims(m, {})).toBe('user');
    expect(roleFromClaims(null, { groups: ['ops-admins'] })).toBeNull();
  });
  it('refuses a malformed map with a readable message', () => {
    expect(() => parseRoleMapping('groups', 'owner=x')).toThrow(/admin=value1,value2/);
    expect(() => parseRoleMapping('groups', 'admins')).toThrow(/OIDC_ROLE_MAP/);
  });
});
