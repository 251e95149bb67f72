// The model registry over Prisma: versions of learned models with their ONNX bytes, meta, held-out
// metrics and data window. Promoting makes a version the only active one of its kind (and records
// who, when, and an audit event, in one transaction); rollback re-promotes the version that was
// active before; a shadow version is scored on live traffic without effect.
import type { PrismaClient, Prisma } from '../db/client';
import type { Actor } from '../contracts/stores';
import { DomainError } from '../lib/errors';
import { auditData } from './audit';

export interface ModelVersionView {
  id: string;
  kind: string;
  version: string;
  metrics: Record<string, unknown>;
  dataWindow: string;
  active: boolean;
  shadow: boolean;
  createdById: string | null;
  promotedById: string | null;
  promotedAt: Date | null;
  createdAt: Date;
}

export interface ModelArtifact {
  onnx: Uint8Array;
  meta: Record<string, unknown>;
}

export interface ModelRegistry {
  register(input: { kind: string; version: string; onnx: Uint8Array; meta: Record<string, unknown>; metrics?: Record<string, unknown>; dataWindow?: string }, actor: Actor): Promise<ModelVersionView>;
  list(kind: string, limit?: number): Promise<ModelVersionView[]>;
  /** The active and shadow versions' ids and versions only (cheap enough to poll). */
  heads(kind: string): Promise<{ active: { id: string; version: string } | null; shadow: { id: string; version: string } | null }>;
  artifact(id: string): Promise<ModelArtifact>;
  promote(kind: string, version: string, actor: Actor): Promise<ModelVersionView>;
  /** Re-promotes the version promoted before the active one. */
  rollback(kind: string, actor: Actor): Promise<ModelVersionView>;
  /** Makes `version` the shadow of its kind, or clears the shadow with null. */
  setShadow(kind: string, version: string | null, actor: Actor): Promise<ModelVersionView | null>;
}

const VIEW = { id: true, kind: true, version: true, metrics: true, dataWindow: true, active: true, shadow: true, createdById: true, promotedById: true, promotedAt: true, createdAt: true } as const;
type Row = Prisma.ModelVersionGetPayload<{ select: typeof VIEW }>;
const view = (r: Row): ModelVersionView => ({ ...r, metrics: (r.metrics ?? {}) as Record<string, unknown> });

export function modelRegistry(prisma: PrismaClient): ModelRegistry {
  async function find(kind: string, version: string) {
    const r = await prisma.modelVersion.findUnique({ where: { kind_version: { kind, version } }, select: VIEW });
    if (!r) throw new DomainError('not_found', `no ${kind} model version ${version} in the registry`);
    return r;
  }

  async function activate(kind: string, version: string, actor: Actor, action: string): Promise<ModelVersionView> {
    const target = await find(kind, version);
    const row = await prisma.$transaction(async (tx) => {
      const current = await tx.modelVersion.findFirst({ where: { kind, active: true }, select: { version: true } });
      await tx.modelVersion.updateMany({ where: { kind, active: true }, data: { active: false } });
      // A promoted version stops being the shadow: it now answers for real.
      const updated = await tx.modelVersion.update({ where: { id: target.id }, data: { active: true, shadow: false, promotedById: actor.id, promotedAt: new Date() }, select: VIEW });
      await tx.auditEvent.create({ data: auditData(actor, action, `${kind} model ${version}`, { from: current?.version ?? null }) });
      return updated;
    });
    return view(row);
  }

  return {
    async register(input, actor) {
      const exists = await prisma.modelVersion.findUnique({ where: { kind_version: { kind: input.kind, version: input.version } }, select: VIEW });
      if (exists) return view(exists);
      const row = await prisma.$transaction(async (tx) => {
        const created = await tx.modelVersion.create({
          data: { kind: input.kind, version: input.version, onnx: Buffer.from(input.onnx), meta: input.meta as Prisma.InputJsonValue, metrics: (input.metrics ?? {}) as Prisma.InputJsonValue, dataWindow: input.dataWindow ?? '', createdById: actor.id },
          select: VIEW,
        });
        await tx.auditEvent.create({ data: auditData(actor, 'model.register', `${input.kind} model ${input.version}`, { dataWindow: input.dataWindow ?? '' }) });
        return created;
      });
      return view(row);
    },
    async list(kind, limit = 50) {
      return (await prisma.modelVersion.findMany({ where: { kind }, orderBy: { createdAt: 'desc' }, take: limit, select: VIEW })).map(view);
    },
    async heads(kind) {
      const rows = await prisma.modelVersion.findMany({ where: { kind, OR: [{ active: true }, { shadow: true }] }, select: { id: true, version: true, active: true, shadow: true } });
      const a = rows.find((r) => r.active);
      const s = rows.find((r) => r.shadow);
      return { active: a ? { id: a.id, version: a.version } : null, shadow: s ? { id: s.id, version: s.version } : null };
    },
    async artifact(id) {
      const r = await prisma.modelVersion.findUnique({ where: { id }, select: { onnx: true, meta: true } });
      if (!r) throw new DomainError('not_found', `model version ${id} does not exist`);
      return { onnx: new Uint8Array(r.onnx), meta: r.meta as Record<string, unknown> };
    },
    promote: (kind, version, actor) => activate(kind, version, actor, 'model.promote'),
    async rollback(kind, actor) {
      const [current, previous] = await prisma.modelVersion.findMany({ where: { kind, promotedAt: { not: null } }, orderBy: { promotedAt: 'desc' }, take: 2, select: VIEW });
      if (!current?.active || !previous) throw new DomainError('conflict', `no earlier promoted ${kind} model to roll back to`);
      return activate(kind, previous.version, actor, 'model.rollback');
    },
    async setShadow(kind, version, actor) {
      const target = version === null ? null : await find(kind, version);
      if (target?.active) throw new DomainError('conflict', `${kind} model ${version} is active; a shadow runs beside the active one`);
      return prisma.$transaction(async (tx) => {
        await tx.modelVersion.updateMany({ where: { kind, shadow: true }, data: { shadow: false } });
        await tx.auditEvent.create({ data: auditData(actor, 'model.shadow', `${kind} model ${version ?? '(none)'}`) });
        return target ? view(await tx.modelVersion.update({ where: { id: target.id }, data: { shadow: true }, select: VIEW })) : null;
      });
    },
  };
}
