// Test fixtures for feedback and tuning integration tests: decisions and API keys written straight
// into the real test database, each with unique ids so test files can run in parallel.
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { PrismaClient } from '../db/client';

export const uniq = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;

export interface DecisionFixture {
  tier?: string;
  band?: string;
  score?: number;
  policyVersion?: number;
  cacheStatus?: string;
  apiKeyId?: string | null;
  createdAt?: Date;
  costUsd?: number;
  tokensIn?: number;
  tokensOut?: number;
}

export async function insertDecision(prisma: PrismaClient, f: DecisionFixture = {}): Promise<string> {
  const id = uuidv7();
  await prisma.decision.create({
    data: {
      id,
      createdAt: f.createdAt ?? new Date(),
      apiKeyId: f.apiKeyId ?? null,
      source: 'simulation',
      promptHash: 'h',
      promptPreview: 'test prompt',
      band: f.band ?? 'simple',
      score: f.score ?? 0.2,
      policyVersion: f.policyVersion ?? 1,
      finalTier: f.tier ?? 'small',
      cacheStatus: f.cacheStatus ?? 'miss',
      tokensIn: f.tokensIn ?? 100,
      tokensOut: f.tokensOut ?? 200,
      costUsd: f.costUsd ?? 0.001,
      baselineCostUsd: 0.01,
      latencyMs: 100,
      status: 'ok',
    },
  });
  return id;
}

export async function insertApiKey(prisma: PrismaClient, tenant: string): Promise<string> {
  const k = await prisma.apiKey.create({ data: { name: uniq('key'), prefix: 'csk_test', hash: uniq('hash'), tenant } });
  return k.id;
}

/**
 * A freshly migrated Postgres schema of its own, for tests that need global state to themselves
 * (the one active policy version): other test files share the public schema.
 */
export async function freshDatabase(): Promise<{ prisma: PrismaClient; drop(): Promise<void> }> {
  const [{ default: pg }, { PrismaPg }, { PrismaClient: Client }, { migrate }] = await Promise.all([
    import('pg'),
    import('@prisma/adapter-pg'),
    import('../db/client'),
    import('../db/migrate'),
  ]);
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `tune_${Date.now().toString(36)}_${randomUUID().slice(0, 6)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${name}"`);
  const u = new URL(base);
  // public stays on the path for the extensions installed there (pg_trgm).
  u.searchParams.set('options', `-c search_path=${name},public`);
  await migrate(u.toString());
  const prisma = new Client({ adapter: new PrismaPg({ connectionString: u.toString(), max: 4 }, { schema: name }) });
  return {
    prisma,
    async drop() {
      await prisma.$disconnect();
      await admin.query(`DROP SCHEMA "${name}" CASCADE`);
      await admin.end();
    },
  };
}
