import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { insertDecision } from '../../test/fixtures/feedback';
import { createPrisma } from './client';
import { utcSessionUrl } from './utc';

// A server whose default zone is not UTC, as Debian's initdb leaves it on a host outside UTC.
const westUrl = (() => {
  const u = new URL(process.env.TEST_DATABASE_URL!);
  u.searchParams.set('options', '-c TimeZone=America/Los_Angeles');
  return u.toString();
})();

describe('utcSessionUrl', () => {
  it('appends the UTC zone after any options already given, once', () => {
    const once = utcSessionUrl(westUrl);
    expect(new URL(once).searchParams.get('options')).toBe('-c TimeZone=America/Los_Angeles -c TimeZone=UTC');
    expect(utcSessionUrl(once)).toBe(once);
    expect(new URL(utcSessionUrl('postgresql://u@h:5432/db')).searchParams.get('options')).toBe('-c TimeZone=UTC');
  });
});

describe('a Prisma client on a server outside UTC', () => {
  const prisma = createPrisma(westUrl, { poolSize: 1 });
  afterAll(() => prisma.$disconnect());

  it('stores the instant it was given (Prisma sends Dates without an offset)', async () => {
    const at = new Date('2026-03-10T02:30:00Z');
    const id = await insertDecision(prisma, { createdAt: at });
    const c = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await c.connect();
    try {
      const { rows } = await c.query<{ t: Date }>(`SELECT "createdAt" AS t FROM "Decision" WHERE id = $1`, [id]);
      expect(rows[0].t.toISOString()).toBe(at.toISOString());
    } finally {
      await c.end();
    }
    const [{ tz }] = await prisma.$queryRaw<{ tz: string }[]>`SELECT current_setting('TimeZone') AS tz`;
    expect(tz).toBe('UTC');
  });
});
