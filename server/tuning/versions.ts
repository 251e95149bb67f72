// Writing policy versions and tuner proposals. A tuner change is one transaction: the new active
// version, its audit event and the proposal row that explains it, so nothing is ever half-applied.
import { DomainError } from '../lib/errors';
import type { Prisma, PrismaClient } from '../db/client';
import { policySchema, storedPolicySchema, type Policy } from '../routing/policy';
import { auditData } from '../repos/audit';
import type { Actor } from '../contracts/stores';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export const TUNER_ACTOR: Actor = { id: null, label: 'auto-tuner' };

export class TunerError extends DomainError {
  constructor(code: 'not_found' | 'conflict' | 'bad_request', message: string) {
    super(code, message);
  }
}

export const json = (x: unknown) => JSON.parse(JSON.stringify(x)) as Prisma.InputJsonValue;

/** Stores `document` as the next version and makes it the only active one. */
export async function createVersion(tx: Tx, document: Policy, reason: string, actor: Actor, action: string, expectedActive?: number): Promise<number> {
  const parsed = policySchema.safeParse(document);
  if (!parsed.success) throw new TunerError('bad_request', `tuned policy is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  // Serialise version numbering with any other writer of policies.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('cascade:policy-version'))`;
  const current = await tx.policyVersion.findFirst({ where: { active: true }, select: { version: true } });
  if (expectedActive !== undefined && current?.version !== expectedActive) {
    // Another process (a second server's tuner, an admin) changed the policy since this run read it.
    throw new TunerError('conflict', `the active policy changed from v${expectedActive} to v${current?.version ?? 'none'} during the tuning run`);
  }
  const last = await tx.policyVersion.findFirst({ orderBy: { version: 'desc' }, select: { version: true } });
  const version = (last?.version ?? 0) + 1;
  await tx.policyVersion.updateMany({ where: { active: true }, data: { active: false } });
  await tx.policyVersion.create({ data: { version, document: json(parsed.data), active: true, reason, createdById: actor.id, parentVersion: current?.version ?? null } });
  await tx.auditEvent.create({ data: auditData(actor, action, `policy v${version}`, { reason, from: current?.version ?? null }) });
  return version;
}

export async function activePolicy(db: PrismaClient | Tx): Promise<{ version: number; document: Policy } | null> {
  const row = await db.policyVersion.findFirst({ where: { active: true }, select: { version: true, document: true } });
  if (!row) return null;
  const parsed = storedPolicySchema.safeParse(row.document);
  return parsed.success ? { version: row.version, document: parsed.data } : null;
}
