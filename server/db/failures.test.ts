// Real Prisma errors (a NUL in a filter, a port nobody listens on) become plain 400 / 503 errors at
// both transports, without host:port, SQL states or Prisma's invocation text.
import { afterAll, describe, expect, it } from 'vitest';
import { mapDomainError } from '../api/errors';
import { toHttpError } from '../http/errors';
import { createPrisma } from './client';
import { databaseFailure } from './failures';

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

  it('leaves other errors alone', () => {
    expect(databaseFailure(new Error('boom'))).toBeNull();
    expect(toHttpError(new Error('boom')).status).toBe(500);
  });
});
