// Reads the next-auth JWT session from request cookies without going through Next, so tRPC, route
// handlers and the custom server can all turn a cookie into a Principal the same way.
import { decode } from 'next-auth/jwt';
import type { Principal } from '../contracts/principal';
import { asRole } from './roles';

const COOKIE_NAMES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

export function parseCookies(header: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    try {
      out.set(name, decodeURIComponent(part.slice(i + 1).trim()));
    } catch {
      // A malformed cookie is ignored, never fatal.
    }
  }
  return out;
}

/** next-auth splits large tokens into name.0, name.1, ...; small ones are a single cookie. */
function sessionToken(cookies: Map<string, string>): string | null {
  for (const name of COOKIE_NAMES) {
    const whole = cookies.get(name);
    if (whole) return whole;
    let joined = '';
    for (let i = 0; cookies.has(`${name}.${i}`); i++) joined += cookies.get(`${name}.${i}`);
    if (joined) return joined;
  }
  return null;
}

export async function sessionPrincipal(cookieHeader: string | null | undefined, secret: string): Promise<Principal | null> {
  const token = sessionToken(parseCookies(cookieHeader));
  if (!token) return null;
  let jwt: Awaited<ReturnType<typeof decode>>;
  try {
    jwt = await decode({ token, secret });
  } catch {
    return null; // expired, tampered or signed with another secret
  }
  if (!jwt?.sub) return null;
  const email = typeof jwt.email === 'string' ? jwt.email : '';
  return { kind: 'user', id: jwt.sub, userId: jwt.sub, apiKeyId: null, role: asRole(jwt.role), tenant: 'default', name: email };
}
