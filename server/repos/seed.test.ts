// ensureSeed on a fresh Postgres schema of the run's database (so it sees an empty install).
import { verify } from '@node-rs/argon2';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { policySchema, defaultPolicy } from '../routing/policy';
import { PrismaClient } from '../db/client';
import { migrate } from '../db/migrate';
import { ensureSeed } from './seed';

const base = process.env.TEST_DATABASE_URL!;
const admin = new pg.Pool({ connectionString: base, max: 1 });
const schema = `seed_${Date.now().toString(36)}_${process.pid}`;
let prisma: PrismaClient | undefined;

async function freshClient(): Promise<PrismaClient> {
  await migrate(base, { schema });
  prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: base, max: 4 }, { schema }) });
  return prisma;
}

afterAll(async () => {
  await prisma?.$disconnect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

describe('ensureSeed', () => {
  it('creates simulated tiers, policy v1 and an admin once; later starts only follow the simulator URL', async () => {
    const db = await freshClient();
    const first = await ensureSeed(db, { simulatorBaseUrl: 'http://127.0.0.1:4010/v1' });
    expect(first.tiersCreated.sort()).toEqual(['large', 'medium', 'small']);
    expect(first.policyCreated).toBe(true);
    expect(first.admin).toMatchObject({ email: 'admin@cascade.local', generated: true });
    expect(await verify((await db.user.findFirstOrThrow()).passwordHash!, first.admin!.password)).toBe(true);

    const policy = await db.policyVersion.findFirstOrThrow({ where: { active: true } });
    expect(policy.version).toBe(1);
    expect(policySchema.parse(policy.document)).toEqual(defaultPolicy());
    const tiers = await db.tier.findMany({ orderBy: { inputPricePerM: 'asc' } });
    expect(tiers.map((t) => t.name)).toEqual(['small', 'medium', 'large']);
    expect(tiers.every((t) => t.kind === 'simulated' && t.outputPricePerM > t.inputPricePerM)).toBe(true);

    const [again, concurrent] = await Promise.all([
      ensureSeed(db, { simulatorBaseUrl: 'http://127.0.0.1:5020/v1', adminPassword: 'ignored-now' }),
      ensureSeed(db, { simulatorBaseUrl: 'http://127.0.0.1:5020/v1' }),
    ]);
    for (const r of [again, concurrent]) expect(r).toEqual({ tiersCreated: [], policyCreated: false, admin: null });
    expect(await db.tier.count()).toBe(3);
    expect(await db.user.count()).toBe(1);
    expect(await db.policyVersion.count()).toBe(1);
    expect((await db.tier.findMany()).every((t) => t.baseUrl === 'http://127.0.0.1:5020/v1')).toBe(true);
    expect(await db.auditEvent.count({ where: { action: { in: ['tier.seed', 'policy.save', 'user.create'] } } })).toBe(3);
  });
});
