// First-start content of a database: simulated small/medium/large tiers (so a fresh install answers
// with no GPU and no API key), the default routing policy as version 1, and an admin user.
// Idempotent and safe when two processes start at once (unique keys + skipDuplicates).
import { randomBytes } from 'node:crypto';
import { hash as argonHash } from '@node-rs/argon2';
import { defaultPolicy } from '../routing/policy';
import type { Prisma, PrismaClient } from '../db/client';

/** The product's three classes (small 1–3B, medium 7–13B, large 70B+); prices in USD per million tokens, the large one priced like a frontier API, the always-large baseline most traffic is sent to today. */
export const SIMULATED_TIERS = [
  { name: 'small', role: 'small', model: 'sim-small-3b', inputPricePerM: 0.1, outputPricePerM: 0.2, maxConcurrency: 32, timeoutMs: 30_000 },
  { name: 'medium', role: 'medium', model: 'sim-medium-13b', inputPricePerM: 0.6, outputPricePerM: 1.2, maxConcurrency: 16, timeoutMs: 60_000 },
  { name: 'large', role: 'large', model: 'sim-large-70b', inputPricePerM: 3, outputPricePerM: 15, maxConcurrency: 8, timeoutMs: 120_000 },
] as const;

/** Model names earlier versions seeded: databases created then still route to them, so the simulator serves them too. */
export const LEGACY_SIMULATED_MODELS = [
  { model: 'sim-small-8b', role: 'small' },
  { model: 'sim-medium-70b', role: 'medium' },
  { model: 'sim-large-frontier', role: 'large' },
] as const;

export interface SeedOptions {
  /** OpenAI-compatible base URL of the built-in simulator (e.g. http://127.0.0.1:4010/v1); null: no simulated tiers. */
  simulatorBaseUrl: string | null;
  adminEmail?: string;
  /** Used for a newly created admin; otherwise a random one is generated and returned. */
  adminPassword?: string;
}

export interface SeedResult {
  tiersCreated: string[];
  policyCreated: boolean;
  /** Only when this call created the admin: the password to print once. */
  admin: { email: string; password: string; generated: boolean } | null;
}

const SYSTEM = { actorId: null, actorLabel: 'system (first start)' };

export async function ensureSeed(prisma: PrismaClient, opts: SeedOptions): Promise<SeedResult> {
  const tiersCreated: string[] = [];
  if (opts.simulatorBaseUrl) {
    const baseUrl = opts.simulatorBaseUrl;
    // Simulated tiers only on an install without tiers; their URL follows the simulator's port.
    if ((await prisma.tier.count()) === 0) {
      const res = await prisma.tier.createManyAndReturn({
        data: SIMULATED_TIERS.map((t) => ({ ...t, kind: 'simulated', baseUrl, enabled: true })),
        skipDuplicates: true,
      });
      tiersCreated.push(...res.map((t) => t.name));
      if (res.length > 0) {
        await prisma.auditEvent.create({ data: { ...SYSTEM, action: 'tier.seed', target: res.map((t) => t.name).join(','), details: { baseUrl } } });
      }
    }
    await prisma.tier.updateMany({ where: { kind: 'simulated', NOT: { baseUrl } }, data: { baseUrl } });
  }

  let policyCreated = false;
  if ((await prisma.policyVersion.count()) === 0) {
    policyCreated = await prisma.$transaction(async (tx) => {
      const { count } = await tx.policyVersion.createMany({
        data: [{ version: 1, document: defaultPolicy() as unknown as Prisma.InputJsonValue, active: true, reason: 'default policy of a fresh install' }],
        skipDuplicates: true,
      });
      if (count > 0) await tx.auditEvent.create({ data: { ...SYSTEM, action: 'policy.save', target: 'policy v1', details: { reason: 'default policy' } } });
      return count > 0;
    });
  }

  let admin: SeedResult['admin'] = null;
  if ((await prisma.user.count()) === 0) {
    const email = opts.adminEmail ?? 'admin@cascade.local';
    const generated = !opts.adminPassword;
    const password = opts.adminPassword ?? randomBytes(12).toString('base64url');
    const { count } = await prisma.user.createMany({
      // A generated password was printed to a log: it must be replaced at the first sign-in.
      data: [{ email, name: 'Administrator', role: 'admin', passwordHash: await argonHash(password), mustChangePassword: generated }],
      skipDuplicates: true,
    });
    if (count > 0) {
      admin = { email, password, generated };
      await prisma.auditEvent.create({ data: { ...SYSTEM, action: 'user.create', target: email, details: { role: 'admin' } } });
    }
  }
  return { tiersCreated, policyCreated, admin };
}
