// next-auth v4 configuration: JWT sessions carrying the user's id, role and session version (every
// request checks them against the account, server/auth/session.ts); a credentials provider checking
// the argon2 hash (through UserAuth, i.e. the users repository), limited per account and per client
// address; an OpenID Connect provider when OIDC_ISSUER / OIDC_CLIENT_ID / OIDC_CLIENT_SECRET are set,
// with the role optionally mapped from an ID-token claim (OIDC_ROLE_CLAIM / OIDC_ROLE_MAP).
import type { NextAuthOptions } from 'next-auth';
import CredentialsImport from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { z } from 'zod';
import { env } from '../server/env';
import { getRuntime } from '../server/runtime';
import { authSecret } from '../server/runtime/secrets';
import type { Role } from '../server/contracts/principal';
import type { UserAuth } from '../server/contracts/ports';
import { parseRoleMapping, roleFromClaims, type RoleMapping } from '../server/auth/oidc-roles';
import { CLIENT_ADDRESS_HEADER } from '../server/auth/forwarded';
import { asRole } from '../server/auth/roles';
import { signInLimiter, type SignInLimiter } from '../server/auth/sign-in-limiter';

export interface AuthConfig {
  secret: string;
  users: UserAuth;
  oidc?: { issuer: string; clientId: string; clientSecret: string; roles?: RoleMapping | null } | null;
  /** Session lifetime in seconds. */
  maxAge?: number;
  limiter?: SignInLimiter;
}


// next-auth ships CommonJS: bundlers unwrap its default export, plain Node ESM (tsx, vitest) does not.
const CredentialsProvider = ((CredentialsImport as unknown as { default?: typeof CredentialsImport }).default ?? CredentialsImport) as typeof CredentialsImport;

const credentials = z.object({ email: z.string().trim().toLowerCase().email(), password: z.string().min(1).max(1024) });

interface OidcProfile {
  sub: string;
  email?: string;
  name?: string;
  preferred_username?: string;
}

export function buildAuthOptions(cfg: AuthConfig): NextAuthOptions {
  const limiter = cfg.limiter ?? signInLimiter();
  const providers: NextAuthOptions['providers'] = [
    CredentialsProvider({
      id: 'credentials',
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(raw, req) {
        const parsed = credentials.safeParse(raw);
        if (!parsed.success) return null;
        const { email } = parsed.data;
        const header = (req?.headers as Record<string, unknown> | undefined)?.[CLIENT_ADDRESS_HEADER];
        const address = typeof header === 'string' && header ? header : 'unknown';
        const wait = limiter.blocked(email, address);
        // Thrown messages reach the sign-in form (next-auth returns them as the error).
        if (wait !== null) throw new Error(`Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} min.`);
        const user = await cfg.users.verifyPassword(email, parsed.data.password);
        if (!user) {
          limiter.failed(email, address);
          if (limiter.blocked(email, address) !== null) await cfg.users.audit?.('auth.signInLimited', email, { address });
          return null;
        }
        limiter.succeeded(email);
        await cfg.users.audit?.('auth.signIn', email, { address, method: 'password' });
        return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
      },
    }),
  ];
  if (cfg.oidc) {
    const roles = cfg.oidc.roles ?? null;
    const oidc: OAuthConfig<OidcProfile> = {
      id: 'oidc',
      name: 'Single sign-on',
      type: 'oauth',
      wellKnown: `${cfg.oidc.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
      clientId: cfg.oidc.clientId,
      clientSecret: cfg.oidc.clientSecret,
      authorization: { params: { scope: 'openid email profile' } },
      idToken: true,
      checks: ['pkce', 'state'],
      profile: (p) => ({
        id: p.sub,
        email: p.email ?? null,
        name: p.name ?? p.preferred_username ?? p.email ?? p.sub,
        mappedRole: roleFromClaims(roles, p as unknown as Record<string, unknown>),
      }),
    };
    providers.push(oidc);
  }
  return {
    secret: cfg.secret || undefined,
    session: { strategy: 'jwt', maxAge: cfg.maxAge ?? 8 * 3600 },
    pages: { signIn: '/signin' },
    providers,
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== 'oidc') return true;
        // External identities map onto a local user by email, so roles are managed in Cascade.
        if (!user.email) return false;
        const mapped = (user as { mappedRole?: Role | null }).mappedRole ?? null;
        const local = await cfg.users.upsertExternalUser(user.email.toLowerCase(), user.name ?? user.email, mapped);
        if (!local) return false;
        Object.assign(user, { id: local.id, role: local.role, sessionVersion: local.sessionVersion });
        await cfg.users.audit?.('auth.signIn', local.email, { method: 'oidc', role: local.role });
        return true;
      },
      async jwt({ token, user }) {
        if (user) {
          token.sub = user.id;
          token.role = asRole((user as { role?: unknown }).role);
          const sv = (user as { sessionVersion?: unknown }).sessionVersion;
          token.sv = typeof sv === 'number' ? sv : 0;
        }
        return token;
      },
      async session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub ?? '', role: asRole(token.role) } };
      },
    },
  };
}

/**
 * The options Next's route handler and getServerSession() use. The secret comes from NEXTAUTH_SECRET,
 * which server.ts sets (generated and kept under CASCADE_DATA_DIR when not configured) before Next
 * loads; users are checked through the process runtime, started on first use.
 */
export const authOptions: NextAuthOptions = buildAuthOptions({
  secret: '',
  users: {
    verifyPassword: async (email, password) => (await getRuntime()).users.verifyPassword(email, password),
    upsertExternalUser: async (email, name, role) => (await getRuntime()).users.upsertExternalUser(email, name, role),
    audit: async (action, target, details) => (await getRuntime()).users.audit?.(action, target, details),
  },
  oidc: oidcFromEnv(),
});
// Read when a request needs it, not at import (`next build` imports this module): NEXTAUTH_SECRET,
// else the secret generated under CASCADE_DATA_DIR, so `next dev` without server.ts works too.
let secret: string | undefined;
Object.defineProperty(authOptions, 'secret', {
  enumerable: true,
  get: () => (secret ??= authSecret(env())),
});

function oidcFromEnv(): AuthConfig['oidc'] {
  const e = env();
  if (!e.OIDC_ISSUER || !e.OIDC_CLIENT_ID || !e.OIDC_CLIENT_SECRET) return null;
  return { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET, roles: parseRoleMapping(e.OIDC_ROLE_CLAIM, e.OIDC_ROLE_MAP) };
}
