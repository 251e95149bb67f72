// Reads the next-auth JWT session from request cookies without going through Next, so tRPC, route
// handlers and the custom server can all turn a cookie into a Principal the same way, checked
// against the account's current state on every request.
import { decode } from 'next-auth/jwt';
import type { Principal } from '../contracts/principal';
import type { AccountStates } from './account-state';

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

export interface SessionClaims {
  userId: string;
  email: string;
  /** The user's session version when the session was issued (0 for tokens issued before versions existed). */
  sessionVersion: number;
}

/** The verified claims of the session cookie, or null (absent, expired, tampered, other secret). */
export async function sessionClaims(cookieHeader: string | null | undefined, secret: string): Promise<SessionClaims | null> {
  const token = sessionToken(parseCookies(cookieHeader));
  if (!token) return null;
  let jwt: Awaited<ReturnType<typeof decode>>;
  try {
    jwt = await decode({ token, secret });
  } catch {
    return null;
  }
  if (!jwt?.sub) return null;
  return { userId: jwt.sub, email: typeof jwt.email === 'string' ? jwt.email : '', sessionVersion: typeof jwt.sv === 'number' ? jwt.sv : 0 };
}

/**
 * The principal of a session, checked against the account as it is now: a session ends when its
 * user is deleted or disabled, or when the user's session version moved on (role, password or
 * status changed). The role is the current one, never the one in the token.
 */
export async function sessionPrincipal(cookieHeader: string | null | undefined, secret: string, accounts: AccountStates): Promise<Principal | null> {
  const claims = await sessionClaims(cookieHeader, secret);
  if (!claims) return null;
  const account = await accounts.get(claims.userId);
  if (!account || account.disabled || account.sessionVersion !== claims.sessionVersion) return null;
  return {
    kind: 'user',
    id: account.id,
    userId: account.id,
    apiKeyId: null,
    role: account.role,
    tenant: 'default',
    name: account.email,
    ...(account.mustChangePassword ? { mustChangePassword: true } : {}),
  };
}
