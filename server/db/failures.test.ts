// Real Prisma errors (a NUL in a filter, a port nobody listens on) become plain 400 / 503 errors at
// both transports, without host:port, SQL states or Prisma's invocation text.
import { afterAll, describe, expect, it } from 'vitest';
import { mapDomainError } from '../api/errors';
import { toHttpError } from '../http/errors';
import { createPrisma } from './client';
import { databaseFailure } from './failures';
import { createDbGuard } from './guard';
import { guardPrisma } from './guard-prisma';

const url = process.env.TEST_DATABASE_URL!;
const live = createPrisma(url, { poolSize: 1 });
const dead = createPrisma(url.replace(/:\d+\//, ':9/'), { poolSize: 1 });
afterAll(async () => {
  await live.$disconnect();
  await dead.$disconnect();
});

async function failure(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('database failures', () => {
  it('a NUL in text is a 400 that says so', async () => {
    const err = await failure(live.auditEvent.findMany({ where: { actorLabel: { contains: 'a\u0000b' } } }));
    expect(databaseFailure(err)).toBe('unstorable_text');
    expect(toHttpError(err)).toMatchObject({ status: 400, message: 'text must not contain NUL (\\u0000) characters' });
    expect(mapDomainError(err)).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('an unreachable database is a 503 "database unavailable", with no address in it', async () => {
    const err = await failure(dead.auditEvent.findMany({ take: 1 }));
    expect(databaseFailure(err)).toBe('unavailable');
    const http = toHttpError(err);
    expect(http.status).toBe(503);
    expect(http.message).toMatch(/^database unavailable/);
    const trpc = mapDomainError(err)!;
    expect(trpc.code).toBe('SERVICE_UNAVAILABLE');
    expect(trpc.message).not.toMatch(/127\.0\.0\.1|:9\b|P1001|prisma/i);
  });

  // Postgres answers 26000 for a statement it does not have: EXECUTE of a name never prepared gives
  // the same SQL state the lost unnamed statement gave ("unnamed prepared statement does not exist").
  const lostStatement = () => live.$executeRawUnsafe('EXECUTE cascade_never_prepared');

  it('a lost prepared statement (26000) is a 503 to retry, not a 500', async () => {
    const err = await failure(lostStatement());
    expect(databaseFailure(err)).toBe('statement_lost');
    expect(toHttpError(err)).toMatchObject({ status: 503, message: expect.stringMatching(/^database unavailable/) });
    expect(mapDomainError(err)).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('the guard tries a call once more when its statement was lost, and keeps the breaker closed', async () => {
    const guard = createDbGuard({ breakerFailures: 1, log: () => undefined });
    let calls = 0;
    const once = await guard.run<unknown>(() => (++calls === 1 ? lostStatement() : live.$queryRawUnsafe<{ n: number }[]>('SELECT 1 AS n')));
    expect(once).toEqual([{ n: 1 }]);
    expect(calls).toBe(2);
    calls = 0;
    const err = await failure(guard.run(() => (++calls, lostStatement())));
    expect(calls).toBe(2);
    expect(databaseFailure(err)).toBe('statement_lost');
    expect(guard.isUp()).toBe(true);
    // Through the guarded Prisma client (every model call and raw query) the same holds.
    const guarded = guardPrisma(createPrisma(url, { poolSize: 1 }), guard);
    try {
      expect(toHttpError(await failure(guarded.$executeRawUnsafe('EXECUTE cascade_never_prepared'))).status).toBe(503);
      expect(await guarded.auditEvent.findMany({ take: 1 })).toBeInstanceOf(Array);
    } finally {
      await guarded.$disconnect();
      guard.close();
    }
  });

  it('leaves other errors alone', () => {
    expect(databaseFailure(new Error('boom'))).toBeNull();
    expect(toHttpError(new Error('boom')).status).toBe(500);
  });
});
