// Users and API keys over Prisma: argon2id password hashes, API keys stored as sha256 only.
import { DomainError } from '../lib/errors';
import { createHash, randomBytes } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { PrismaClient } from '../db/client';
import { asRole, hasRole } from '../auth/roles';
import type { ApiKeyStore, ApiKeyView } from '../contracts/stores';
import type { Principal, Role } from '../contracts/principal';
import type { ApiKeyVerifier, AuthUser, UserAuth } from '../contracts/ports';
import { auditData } from './audit';

export const API_KEY_PREFIX = 'csk_';

export function hashApiKey(raw: string): string {
  return createHash('sha256').update(raw).digest('hex');
}

export function newApiKey(): string {
  return API_KEY_PREFIX + randomBytes(24).toString('base64url');
}

export function hashPassword(password: string): Promise<string> {
  return argonHash(password);
}

// A fixed hash to verify against when the email is unknown, so timing does not reveal which emails exist.
let dummyHash: Promise<string> | undefined;

type UserRow = { id: string; email: string; name: string; role: string; sessionVersion: number; mustChangePassword: boolean };
type KeyRow = {
  id: string; name: string; prefix: string; tenant: string; role: string; createdAt: Date; revokedAt: Date | null;
  lastUsedAt: Date | null; expiresAt: Date | null; allowedTiers: string[]; createdById: string | null;
};

// Field by field, so that a column added to the table (the key hash is one) never reaches the console by accident.
const keyView = (k: KeyRow): ApiKeyView => ({
  id: k.id, name: k.name, prefix: k.prefix, tenant: k.tenant, role: asRole(k.role), createdAt: k.createdAt, revokedAt: k.revokedAt,
  lastUsedAt: k.lastUsedAt, expiresAt: k.expiresAt, allowedTiers: k.allowedTiers, createdById: k.createdById,
});
const notFound = (what: string) => new DomainError('not_found', `${what} not found`);

/** onChange: told when a sign-in changed the account (an SSO role), like the user store's changes. */
export function userAuth(prisma: PrismaClient, opts: { onChange?: (userId: string) => void } = {}): UserAuth {
  const toAuth = (u: UserRow): AuthUser => ({
    id: u.id, email: u.email, name: u.name, role: asRole(u.role), sessionVersion: u.sessionVersion, mustChangePassword: u.mustChangePassword,
  });
  return {
    async verifyPassword(email, password) {
      const u = await prisma.user.findUnique({ where: { email: email.toLowerCase() } });
      if (!u || !u.passwordHash || u.disabled) {
        dummyHash ??= argonHash('cascade-dummy-password');
        await argonVerify(await dummyHash, password).catch(() => false);
        return null;
      }
      const ok = await argonVerify(u.passwordHash, password).catch(() => false);
      return ok ? toAuth(u) : null;
    },
    async upsertExternalUser(email, name, role) {
      // Without a mapped role the account keeps the role given in Cascade; with one, the identity
      // provider decides, and a change ends the user's other sessions like any role change.
      let u = await prisma.user.upsert({ where: { email }, update: {}, create: { email, name, role: role ?? 'user' } });
      if (role && u.role !== role && !u.disabled) {
        const from = u.role;
        [u] = await prisma.$transaction([
          prisma.user.update({ where: { id: u.id }, data: { role, sessionVersion: { increment: 1 } } }),
          prisma.auditEvent.create({ data: auditData({ id: null, label: 'oidc' }, 'user.setRole', email, { from, to: role, by: 'identity provider claim' }) }),
        ]);
        opts.onChange?.(u.id);
      }
      return u.disabled ? null : toAuth(u);
    },
    async audit(action, target, details) {
      await prisma.auditEvent.create({ data: auditData({ id: null, label: target }, action, target, details) }).catch(() => undefined);
    },
  };
}

export function apiKeyStore(prisma: PrismaClient): ApiKeyStore {
  return {
    async list() {
      return (await prisma.apiKey.findMany({ orderBy: { createdAt: 'desc' } })).map(keyView);
    },
    async create(input, actor) {
      const key = newApiKey();
      const [k] = await prisma.$transaction([
        prisma.apiKey.create({
          data: {
            name: input.name, tenant: input.tenant, role: input.role, prefix: key.slice(0, 8), hash: hashApiKey(key), createdById: actor.id,
            expiresAt: input.expiresAt ?? null, allowedTiers: input.allowedTiers ?? [],
          },
        }),
        prisma.auditEvent.create({
          data: auditData(actor, 'apiKey.create', input.name, { tenant: input.tenant, role: input.role, expiresAt: input.expiresAt ?? null, allowedTiers: input.allowedTiers ?? [] }),
        }),
      ]);
      return { key, apiKey: keyView(k) };
    },
    async revoke(id, actor) {
      const existing = await prisma.apiKey.findUnique({ where: { id } });
      if (!existing) throw notFound(`API key ${id}`);
      const [k] = await prisma.$transaction([
        prisma.apiKey.update({ where: { id }, data: { revokedAt: existing.revokedAt ?? new Date() } }),
        prisma.auditEvent.create({ data: auditData(actor, 'apiKey.revoke', existing.name, { id }) }),
      ]);
      return keyView(k);
    },
  };
}

/** What a verified key may do now: its own role, capped by its creator's current role. */
type KeyRecord = {
  id: string; role: string; tenant: string; name: string; revokedAt: Date | null; expiresAt: Date | null; allowedTiers: string[];
  createdById: string | null; createdBy: { role: string; disabled: boolean } | null;
};

export function keyPrincipal(k: KeyRecord | null, now = Date.now()): Principal | null {
  if (!k || k.revokedAt || (k.expiresAt && k.expiresAt.getTime() <= now)) return null;
  // A key never outranks the user who made it, as that user is now: demoting or disabling the
  // creator takes their keys down with them. Keys made on the command line have no creator.
  if (k.createdBy?.disabled) return null;
  const role = k.createdBy ? lowerRole(asRole(k.role), asRole(k.createdBy.role)) : asRole(k.role);
  return {
    kind: 'apiKey', id: k.id, userId: k.createdById, apiKeyId: k.id, role, tenant: k.tenant, name: k.name,
    ...(k.allowedTiers.length ? { allowedTiers: k.allowedTiers } : {}),
  };
}

export interface ApiKeyVerifierOptions {
  ttlMs?: number;
  /** Told of each accepted key (last-used bookkeeping); must be cheap and never throw. */
  onUse?: (keyId: string) => void;
}

/**
 * Key -> principal with a short in-memory cache: the hot path must not hit Postgres per request.
 * Revocation takes effect within the TTL (and at once in this process, through forget()); so does a
 * change to the creating user (forget() is called by the user store), and expiry is checked on every
 * hit against the cached instant.
 * Under load, a key's entry is refreshed in the background during the second half of its TTL, and
 * concurrent misses of one key share one query: without this, every request arriving while the
 * entry is expired waited for (and issued) its own Postgres round trip, every 5 s.
 */
export function apiKeyVerifier(prisma: PrismaClient, opts: ApiKeyVerifierOptions | number = {}): ApiKeyVerifier & { forget(): void } {
  const { ttlMs = 5_000, onUse } = typeof opts === 'number' ? { ttlMs: opts } : opts;
  const cache = new Map<string, { at: number; principal: Principal | null; expiresAt: number }>();
  const pending = new Map<string, Promise<Principal | null>>();
  let generation = 0;
  const load = (h: string): Promise<Principal | null> => {
    const inFlight = pending.get(h);
    if (inFlight) return inFlight;
    const gen = generation;
    const p = prisma.apiKey
      .findUnique({ where: { hash: h }, include: { createdBy: { select: { role: true, disabled: true } } } })
      .then((k) => {
        const principal = keyPrincipal(k);
        // A forget() while the query ran (a revocation) wins over what it read.
        if (gen === generation) {
          if (cache.size > 10_000) cache.clear();
          cache.set(h, { at: Date.now(), principal, expiresAt: k?.expiresAt?.getTime() ?? Infinity });
        }
        return principal;
      })
      .finally(() => {
        if (pending.get(h) === p) pending.delete(h);
      });
    pending.set(h, p);
    return p;
  };
  const used = (p: Principal | null): Principal | null => {
    if (p && onUse) onUse(p.id);
    return p;
  };
  return {
    forget: () => {
      generation++;
      cache.clear();
      pending.clear();
    },
    async verify(raw) {
      if (!raw.startsWith(API_KEY_PREFIX) || raw.length > 200) return null;
      const h = hashApiKey(raw);
      const hit = cache.get(h);
      const now = Date.now();
      const age = hit ? now - hit.at : Infinity;
      if (hit && age < ttlMs) {
        if (hit.expiresAt <= now) return null;
        if (age > ttlMs / 2) load(h).catch(() => undefined);
        return used(hit.principal);
      }
      return used(await load(h));
    },
  };
}

function lowerRole(a: Role, b: Role): Role {
  return hasRole(a, b) ? b : a;
}
