// Audit events written in the same transaction as the change they describe.
import type { Prisma } from '../db/client';
import type { Actor } from '../contracts/stores';

export function auditData(actor: Actor, action: string, target: string, details: Record<string, unknown> = {}): Prisma.AuditEventCreateManyInput {
  return { actorId: actor.id, actorLabel: actor.label, action, target, details: details as Prisma.InputJsonValue };
}
