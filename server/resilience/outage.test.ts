// The database guard and the key memory against a real Postgres behind a relay that is cut and stalled.
import '../runtime/preload-native';
import { afterAll, describe, expect, it } from 'vitest';
import { startTcpRelay } from '../../test/fixtures/tcp-relay';
import { createPrisma } from '../db/client';
import { DatabaseUnavailableError } from '../db/failures';
import { apiKeyVerifier, hashApiKey } from '../repos/users';
import { createDbGuard } from '../db/guard';
import { outageTolerantVerifier } from './outage-keys';
import { shareRevocations } from './revocations';
import { redisCoordinator } from '../coord/redis';
import { randomUUID } from 'node:crypto';
import { createCache } from '../cache';

const url = process.env.TEST_DATABASE_URL!;
const direct = createPrisma(url, { poolSize: 1 });
afterAll(() => direct.$disconnect());

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 20_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function makeKey(): Promise<{ raw: string; id: string }> {
  const raw = `csk_${randomUUID().replaceAll('-', '')}`;
  const k = await direct.apiKey.create({ data: { name: 'outage test', prefix: raw.slice(0, 8), hash: hashApiKey(raw), role: 'user' } });
  return { raw, id: k.id };
}

describe('database outage', () => {
  it('known keys are served from memory while Postgres is cut, unknown keys get a 503 error, revocations hold', async () => {
    const relay = await startTcpRelay(url);
    const guard = createDbGuard({ probeUrl: relay.url, probeIntervalMs: 100, probeTimeoutMs: 1000, log: () => undefined });
    const prisma = createPrisma(relay.url, { poolSize: 2, guard });
    try {
      const verifier = outageTolerantVerifier(apiKeyVerifier(prisma, 50));
      const a = await makeKey();
      const b = await makeKey();
      const never = await makeKey();
      expect((await verifier.verify(a.raw))?.apiKeyId).toBe(a.id);
      expect((await verifier.verify(b.raw))?.apiKeyId).toBe(b.id);
      verifier.revoked(b.id);

      await relay.cut();
      await until(() => !guard.isUp(), 'the guard to open');
      await new Promise((r) => setTimeout(r, 100)); // past the inner verifier's 50 ms memory
      expect((await verifier.verify(a.raw))?.apiKeyId).toBe(a.id);
      expect(await verifier.verify(b.raw)).toBeNull();
      await expect(verifier.verify(never.raw)).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(prisma.apiKey.count()).rejects.toBeInstanceOf(DatabaseUnavailableError);

      await relay.restore();
      await until(() => guard.isUp(), 'the guard to close');
      // A pooled connection cut with the relay may fail the first query after the return: retry.
      await until(async () => (await verifier.verify(never.raw).catch(() => null))?.apiKeyId === never.id, 'the unknown key to be checked again');
      expect(verifier.stats().servedFromMemory).toBeGreaterThan(0);
    } finally {
      guard.close();
      await prisma.$disconnect();
      await relay.close();
    }
  });

  it('a key revoked on another replica stops working here during the outage (Redis pub/sub)', async () => {
    const redis = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const prefix = `cascade-test:${randomUUID()}:`;
    const here = await redisCoordinator({ url: redis, prefix, replicaId: 'here' });
    const there = await redisCoordinator({ url: redis, prefix, replicaId: 'there' });
    const relay = await startTcpRelay(url);
    const guard = createDbGuard({ probeUrl: relay.url, probeIntervalMs: 100, probeTimeoutMs: 1000, log: () => undefined });
    const prisma = createPrisma(relay.url, { poolSize: 2, guard });
    const verifier = outageTolerantVerifier(apiKeyVerifier(prisma, 50), { databaseUp: () => guard.isUp() });
    const listening = shareRevocations(here.bus, (id) => verifier.revoked(id));
    const revoking = shareRevocations(there.bus, () => undefined);
    try {
      const k = await makeKey();
      const other = await makeKey();
      expect((await verifier.verify(k.raw))?.apiKeyId).toBe(k.id);
      expect((await verifier.verify(other.raw))?.apiKeyId).toBe(other.id);
      await relay.cut();
      await until(() => !guard.isUp(), 'the guard to open');
      expect((await verifier.verify(k.raw))?.apiKeyId).toBe(k.id); // served from memory
      // The other replica still reaches Postgres: it revokes the key there and says so on the bus.
      await direct.apiKey.update({ where: { id: k.id }, data: { revokedAt: new Date() } });
      await revoking.announce(k.id);
      await until(async () => (await verifier.verify(k.raw)) === null, 'the revocation to reach this replica', 5_000);
      expect((await verifier.verify(other.raw))?.apiKeyId).toBe(other.id);
      expect(guard.isUp()).toBe(false);
    } finally {
      listening.close();
      revoking.close();
      guard.close();
      await prisma.$disconnect();
      await relay.close();
      await here.close();
      await there.close();
    }
  });

  it('a hung database (connections accepted, never answered) opens the guard, and calls fail fast instead of piling up', async () => {
    const relay = await startTcpRelay(url);
    const guard = createDbGuard({ probeUrl: relay.url, probeIntervalMs: 100, probeTimeoutMs: 1000, maxInFlight: 8, log: () => undefined });
    const prisma = createPrisma(relay.url, { poolSize: 2, guard });
    try {
      await prisma.apiKey.count();
      relay.stall();
      await until(() => !guard.isUp(), 'the guard to open on a hung database');
      const results = await Promise.allSettled(Array.from({ length: 50 }, () => prisma.apiKey.count()));
      expect(results.every((r) => r.status === 'rejected' && r.reason instanceof DatabaseUnavailableError)).toBe(true);
      expect(guard.stats().inFlight).toBeLessThanOrEqual(8);
      await relay.restore();
      await until(() => guard.isUp(), 'the guard to close');
      await until(async () => (await prisma.apiKey.count().then(() => true, () => false)), 'a query to succeed again');
    } finally {
      guard.close();
      await prisma.$disconnect();
      await relay.close();
    }
  });

  it('a call already waiting on the database when it hangs is released when the guard opens', async () => {
    const relay = await startTcpRelay(url);
    const guard = createDbGuard({ probeUrl: relay.url, probeIntervalMs: 100, probeTimeoutMs: 1000, log: () => undefined });
    const prisma = createPrisma(relay.url, { poolSize: 2, guard });
    try {
      await prisma.apiKey.count();
      relay.stall();
      // Sent after the stall, before the guard noticed: without the release it waits for the
      // driver's statement timeout (15 s), longer than this test's own.
      const pending = prisma.apiKey.count();
      await expect(pending).rejects.toBeInstanceOf(DatabaseUnavailableError);
      expect(guard.isUp()).toBe(false);
    } finally {
      guard.close();
      await relay.restore();
      await prisma.$disconnect();
      await relay.close();
    }
  }, 10_000);

  it('the semantic cache pool survives its idle connections dying with the database', async () => {
    const relay = await startTcpRelay(url);
    const errors: unknown[] = [];
    const onError = (e: unknown) => errors.push(e);
    process.on('uncaughtException', onError);
    const cache = await createCache({ url: relay.url });
    try {
      await cache.lookup({ prompt: 'warm the pool up', scope: { tenant: 't', systemPrompt: '', params: '' }, minTierRank: 0, threshold: 0.9 }).catch(() => null);
      await relay.cut();
      await new Promise((r) => setTimeout(r, 300));
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onError);
      await relay.restore();
      await cache.close();
      await relay.close();
    }
  });
});
