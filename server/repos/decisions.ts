// Decisions read side over Prisma. Keyset pagination on (createdAt, id) so deep pages cost the same
// as the first; the cursor is base64url of "createdAtISO|id".
import { DomainError } from '../lib/errors';
import type { PrismaClient, Prisma } from '../db/client';
import type { AttemptRecord, DecisionRecord } from '../decisions/types';
import type { DecisionFilters, DecisionReader, DecisionSummary } from '../contracts/stores';

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at);
  if (!id || Number.isNaN(createdAt.getTime())) throw new DomainError('bad_request', 'invalid cursor');
  return { createdAt, id };
}

function where(f: DecisionFilters): Prisma.DecisionWhereInput {
  return {
    ...(f.from || f.to ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lte: f.to } : {}) } } : {}),
    ...(f.tier ? { finalTier: f.tier } : {}),
    ...(f.band ? { band: f.band } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(f.cacheStatus ? { cacheStatus: f.cacheStatus } : {}),
    ...(f.door ? { door: f.door } : {}),
    ...(f.apiKeyId ? { apiKeyId: f.apiKeyId } : {}),
    ...(f.principalId ? { principalId: f.principalId } : {}),
    ...(f.policyVersion !== undefined ? { policyVersion: f.policyVersion } : {}),
    ...(f.q ? { promptPreview: { contains: f.q, mode: 'insensitive' as const } } : {}),
  };
}

const summarySelect = {
  id: true, createdAt: true, principalId: true, apiKeyId: true, source: true, door: true, promptHash: true, promptPreview: true,
  band: true, score: true, policyVersion: true, finalTier: true, cacheStatus: true, tokensIn: true, tokensOut: true,
  costUsd: true, baselineCostUsd: true, latencyMs: true, ttftMs: true, status: true, errorCode: true, escalations: true,
} as const;

/** Console requests carry no API key: they belong to the "default" tenant. */
async function tenantOfKey(prisma: PrismaClient, apiKeyId: string | null): Promise<string> {
  if (!apiKeyId) return 'default';
  return (await prisma.apiKey.findUnique({ where: { id: apiKeyId }, select: { tenant: true } }))?.tenant ?? 'default';
}

/** The tenant filter as key ids: Decision has no tenant column, keys are few. */
async function tenantWhere(prisma: PrismaClient, tenant: string): Promise<Prisma.DecisionWhereInput> {
  const ids = (await prisma.apiKey.findMany({ where: { tenant }, select: { id: true } })).map((k) => k.id);
  return tenant === 'default' ? { OR: [{ apiKeyId: null }, { apiKeyId: { in: ids } }] } : { apiKeyId: { in: ids } };
}

export function decisionReader(prisma: PrismaClient): DecisionReader {
  return {
    async owner(id) {
      const d = await prisma.decision.findFirst({ where: { id }, select: { principalId: true, apiKeyId: true } });
      return d ? { principalId: d.principalId, tenant: await tenantOfKey(prisma, d.apiKeyId) } : null;
    },
    async get(id) {
      const d = await prisma.decision.findFirst({ where: { id } });
      if (!d) return null;
      const attempts = await prisma.decisionAttempt.findMany({ where: { decisionId: id, createdAt: d.createdAt }, orderBy: { seq: 'asc' } });
      return {
        ...d,
        band: d.band as DecisionRecord['band'],
        probs: d.probs as DecisionRecord['probs'],
        source: d.source as DecisionRecord['source'],
        door: d.door as DecisionRecord['door'],
        cacheStatus: d.cacheStatus as DecisionRecord['cacheStatus'],
        status: d.status as DecisionRecord['status'],
        attempts: attempts.map(({ decisionId: _d, createdAt: _c, ...a }) => ({ ...a, outcome: a.outcome as AttemptRecord['outcome'] })),
      };
    },
    async list(filters, page) {
      const base = filters.tenant ? { AND: [where(filters), await tenantWhere(prisma, filters.tenant)] } : where(filters);
      const after = page.cursor ? decodeCursor(page.cursor) : null;
      const rows = await prisma.decision.findMany({
        where: after
          ? { AND: [base, { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }] }
          : base,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: page.limit + 1,
        select: summarySelect,
      });
      const more = rows.length > page.limit;
      const items = (more ? rows.slice(0, page.limit) : rows) as DecisionSummary[];
      const last = items[items.length - 1];
      return { items, nextCursor: more && last ? encodeCursor(last.createdAt, last.id) : null };
    },
  };
}
