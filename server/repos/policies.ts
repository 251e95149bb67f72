// Policy versions over Prisma: append-only; saving or rolling back writes a new version, makes it
// the only active one and records an audit event, all in one transaction.
import { DomainError } from '../lib/errors';
import type { PrismaClient, Prisma } from '../db/client';
import { storedPolicySchema, type Policy } from '../routing/policy';
import type { Actor, PolicyStore, PolicyVersionView } from '../contracts/stores';
import { auditData } from './audit';

type Row = { version: number; document: unknown; active: boolean; reason: string; createdById: string | null; parentVersion: number | null; createdAt: Date };

function view(r: Row): PolicyVersionView {
  // Stored documents were validated on save; parse again so old versions get new defaults.
  return { ...r, document: storedPolicySchema.parse(r.document) };
}

export function policyStore(prisma: PrismaClient): PolicyStore {
  async function activate(document: Policy, reason: string, actor: Actor, action: string, parentOf?: number): Promise<PolicyVersionView> {
    const row = await prisma.$transaction(async (tx) => {
      const current = await tx.policyVersion.findFirst({ where: { active: true } });
      const last = await tx.policyVersion.findFirst({ orderBy: { version: 'desc' }, select: { version: true } });
      const version = (last?.version ?? 0) + 1;
      await tx.policyVersion.updateMany({ where: { active: true }, data: { active: false } });
      const created = await tx.policyVersion.create({
        data: { version, document: document as unknown as Prisma.InputJsonValue, active: true, reason, createdById: actor.id, parentVersion: parentOf ?? current?.version ?? null },
      });
      await tx.auditEvent.create({ data: auditData(actor, action, `policy v${version}`, { reason, from: current?.version ?? null, rollbackTo: parentOf ?? null }) });
      return created;
    });
    return view(row);
  }

  return {
    async active() {
      const r = await prisma.policyVersion.findFirst({ where: { active: true } });
      return r ? view(r) : null;
    },
    async history(limit) {
      return (await prisma.policyVersion.findMany({ orderBy: { version: 'desc' }, take: limit })).map(view);
    },
    save: (document, reason, actor) => activate(document, reason, actor, 'policy.save'),
    async rollback(version, reason, actor) {
      const old = await prisma.policyVersion.findUnique({ where: { version } });
      if (!old) throw new DomainError('not_found', `policy version ${version} does not exist`);
      return activate(storedPolicySchema.parse(old.document), reason, actor, 'policy.rollback', version);
    },
  };
}
