// Users and API keys over Prisma: argon2id password hashes, API keys stored as sha256 only.
import { DomainError } from '../lib/errors';
import { createHash, randomBytes } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { PrismaClient } from '../db/client';
import { asRole } from '../auth/roles';
import type { ApiKeyStore, ApiKeyView, UserStore, UserView } from '../contracts/stores';
import type { Principal } from '../contracts/principal';
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

type UserRow = { id: string; email: string; name: string; role: string; disabled: boolean; createdAt: Date };
type KeyRow = { id: string; name: string; prefix: string; tenant: string; role: string; createdAt: Date; revokedAt: Date | null; lastUsedAt: Date | null };

const userView = (u: UserRow): UserView => ({ id: u.id, email: u.email, name: u.name, role: asRole(u.role), disabled: u.disabled, createdAt: u.createdAt });
const keyView = (k: KeyRow): ApiKeyView => ({ ...k, role: asRole(k.role) });
const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
const conflict = (msg: string) => new DomainError('conflict', msg);

export function userAuth(prisma: PrismaClient): UserAuth {
  const toAuth = (u: UserRow): AuthUser => ({ id: u.id, email: u.email, name: u.name, role: asRole(u.role) });
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
    async upsertExternalUser(email, name) {
      const u = await prisma.user.upsert({ where: { email }, update: {}, create: { email, name, role: 'user' } });
      return u.disabled ? null : toAuth(u);
    },
  };
}

export function userStore(prisma: PrismaClient): UserStore {
  return {
    async list() {
      return (await prisma.user.findMany({ orderBy: { createdAt: 'asc' } })).map(userView);
    },
    async create(input, actor) {
      if (await prisma.user.findUnique({ where: { email: input.email } })) throw conflict(`a user with email ${input.email} exists`);
      const passwordHash = await hashPassword(input.password);
      const [u] = await prisma.$transaction([
        prisma.user.create({ data: { email: input.email, name: input.name, role: input.role, passwordHash } }),
        prisma.auditEvent.create({ data: auditData(actor, 'user.create', input.email, { role: input.role }) }),
      ]);
      return userView(u);
    },
    async setRole(id, role, actor) {
      const existing = await prisma.user.findUnique({ where: { id } });
      if (!existing) throw notFound(`user ${id}`);
      const [u] = await prisma.$transaction([
        prisma.user.update({ where: { id }, data: { role } }),
        prisma.auditEvent.create({ data: auditData(actor, 'user.setRole', existing.email, { from: existing.role, to: role }) }),
      ]);
      return userView(u);
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
          data: { name: input.name, tenant: input.tenant, role: input.role, prefix: key.slice(0, 8), hash: hashApiKey(key), createdById: actor.id },
        }),
        prisma.auditEvent.create({ data: auditData(actor, 'apiKey.create', input.name, { tenant: input.tenant, role: input.role }) }),
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

/**
 * Key -> principal with a short in-memory cache: the hot path must not hit Postgres per request.
 * Revocation takes effect within the TTL (and at once in this process, through forget()).
 * Under load, a key's entry is refreshed in the background during the second half of its TTL, and
 * concurrent misses of one key share one query: without this, every request arriving while the
 * entry is expired waited for (and issued) its own Postgres round trip, every 5 s.
 */
export function apiKeyVerifier(prisma: PrismaClient, ttlMs = 5_000): ApiKeyVerifier & { forget(): void } {
  const cache = new Map<string, { at: number; principal: Principal | null }>();
  const pending = new Map<string, Promise<Principal | null>>();
  let generation = 0;
  const load = (h: string): Promise<Principal | null> => {
    const inFlight = pending.get(h);
    if (inFlight) return inFlight;
    const gen = generation;
    const p = prisma.apiKey
      .findUnique({ where: { hash: h } })
      .then((k) => {
        const principal: Principal | null =
          k && !k.revokedAt
            ? { kind: 'apiKey', id: k.id, userId: k.createdById, apiKeyId: k.id, role: asRole(k.role), tenant: k.tenant, name: k.name }
            : null;
        // A forget() while the query ran (a revocation) wins over what it read.
        if (gen === generation) {
          if (cache.size > 10_000) cache.clear();
          cache.set(h, { at: Date.now(), principal });
        }
        return principal;
      })
      .finally(() => {
        if (pending.get(h) === p) pending.delete(h);
      });
    pending.set(h, p);
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
      const age = hit ? Date.now() - hit.at : Infinity;
      if (hit && age < ttlMs) {
        if (age > ttlMs / 2) load(h).catch(() => undefined);
        return hit.principal;
      }
      return load(h);
    },
  };
}
