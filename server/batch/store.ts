// Persistence of batch jobs (Postgres through Prisma). Counters on the job row move in the same
// statement as the item they count, so progress never drifts from the items, and finishing an item
// twice (a resumed job racing a late answer) counts once.
import type { Assessment } from '../complexity/types';
import type { PrismaClient } from '../db/client';
import { uuidv7 } from '../decisions/ids';
import type { Principal } from '../contracts/principal';
import type { BatchJobView, BatchRequest, ItemStatus, JobStatus, ParsedLine, PerTier } from './types';

const INSERT_CHUNK = 1000;
/** How long a runner's claim on a job holds without renewal (it renews every LEASE_MS / 6). */
export const LEASE_MS = 60_000;

export interface PendingItem {
  line: number;
  request: BatchRequest;
  tier: string | null;
  /** In memory only: the assessment made when this process grouped the item (not after a restart). */
  assessment?: Assessment | null;
}

export interface Finished {
  status: Extract<ItemStatus, 'done' | 'failed'>;
  result: unknown;
  error: string | null;
  costUsd: number;
  decisionId: string | null;
}

interface JobRow {
  id: string;
  name: string;
  status: string;
  createdAt: Date;
  finishedAt: Date | null;
  createdById: string;
  total: number;
  done: number;
  failed: number;
  perTier: unknown;
  costUsd: number;
  principal: unknown;
}

const JOB_COLS = `id, name, status, "createdAt", "finishedAt", "createdById", total, done, failed, "perTier", "costUsd"::float8 AS "costUsd", principal`;

function perTierOf(v: unknown): PerTier {
  const out: PerTier = {};
  if (!v || typeof v !== 'object') return out;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const o = (x ?? {}) as Record<string, unknown>;
    const n = (y: unknown) => (typeof y === 'number' && Number.isFinite(y) ? y : 0);
    out[k] = { total: n(o.total), done: n(o.done), failed: n(o.failed) };
  }
  return out;
}

function view(r: JobRow): BatchJobView {
  return {
    id: r.id, name: r.name, status: r.status as JobStatus, createdAt: r.createdAt, finishedAt: r.finishedAt, createdById: r.createdById,
    total: r.total, done: r.done, failed: r.failed, perTier: perTierOf(r.perTier), costUsd: Number(r.costUsd),
  };
}

export function batchStore(prisma: PrismaClient) {
  const q = <T>(sql: string, ...params: unknown[]) => prisma.$queryRawUnsafe<T[]>(sql, ...params);

  return {
    /** The job and all its items in one transaction: a job is stored whole or not at all. */
    async create(principal: Principal, name: string, lines: ParsedLine[], owner: string): Promise<BatchJobView> {
      const bad = lines.filter((l) => l.error !== null).length;
      const status: JobStatus = bad === lines.length ? 'completed' : 'queued';
      return prisma.$transaction(
        async (tx) => {
          const [job] = await tx.$queryRawUnsafe<JobRow[]>(
            // claimed by its creator from the start, so no other process's resume can take it first
            `INSERT INTO "BatchJob" (id, "createdById", name, status, total, failed, principal, "finishedAt", "leaseOwner", "leaseUntil")
             VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, now() + $10 * interval '1 millisecond') RETURNING ${JOB_COLS}`,
            uuidv7(), principal.id, name, status, lines.length, bad, JSON.stringify(principal), status === 'completed' ? new Date() : null, owner, LEASE_MS,
          );
          for (let i = 0; i < lines.length; i += INSERT_CHUNK) {
            const chunk = lines.slice(i, i + INSERT_CHUNK);
            await tx.batchItem.createMany({
              data: chunk.map((l) => (l.error === null
                ? { jobId: job.id, line: l.line, request: l.request as object, status: 'queued' }
                : { jobId: job.id, line: l.line, request: { raw: l.raw }, status: 'failed', error: `line ${l.line}: ${l.error}` })),
            });
          }
          return view(job);
        },
        { timeout: 120_000, maxWait: 30_000 },
      );
    },

    async get(id: string): Promise<BatchJobView | null> {
      const [r] = await q<JobRow>(`SELECT ${JOB_COLS} FROM "BatchJob" WHERE id = $1`, id);
      return r ? view(r) : null;
    },

    async principalOf(id: string): Promise<Principal | null> {
      const [r] = await q<{ principal: unknown }>(`SELECT principal FROM "BatchJob" WHERE id = $1`, id);
      const p = r?.principal as Principal | null | undefined;
      return p && typeof p === 'object' && typeof p.id === 'string' && typeof p.role === 'string' ? p : null;
    },

    /** Unfinished jobs nobody holds (never claimed, released, or whose runner died), oldest first. */
    async unfinished(): Promise<string[]> {
      const rows = await q<{ id: string }>(
        `SELECT id FROM "BatchJob" WHERE status IN ('queued', 'running') AND ("leaseOwner" IS NULL OR "leaseUntil" < now()) ORDER BY "createdAt"`,
      );
      return rows.map((r) => r.id);
    },

    /** Takes (or keeps) the job for `owner` and marks it running; false if another live runner holds it or it ended. */
    async claim(id: string, owner: string): Promise<boolean> {
      const n = await prisma.$executeRawUnsafe(
        `UPDATE "BatchJob" SET status = 'running', "leaseOwner" = $2, "leaseUntil" = now() + $3 * interval '1 millisecond'
         WHERE id = $1 AND status IN ('queued', 'running') AND ("leaseOwner" IS NULL OR "leaseOwner" = $2 OR "leaseUntil" < now())`,
        id, owner, LEASE_MS,
      );
      return n === 1;
    },

    async renew(owner: string, ids: string[]): Promise<void> {
      if (ids.length === 0) return;
      await prisma.$executeRawUnsafe(
        `UPDATE "BatchJob" SET "leaseUntil" = now() + $3 * interval '1 millisecond' WHERE id = ANY($2::text[]) AND "leaseOwner" = $1`,
        owner, ids, LEASE_MS,
      );
    },

    async release(id: string, owner: string): Promise<void> {
      await prisma.$executeRawUnsafe(`UPDATE "BatchJob" SET "leaseOwner" = NULL, "leaseUntil" = NULL WHERE id = $1 AND "leaseOwner" = $2`, id, owner);
    },

    /** Items still to answer, in file order (items finished before a restart are not returned). */
    async pending(id: string): Promise<PendingItem[]> {
      return q<PendingItem>(`SELECT line, request, tier FROM "BatchItem" WHERE "jobId" = $1 AND status = 'queued' ORDER BY line`, id);
    },

    /** Stores dispatch groups and recomputes the per-group counts from the items themselves. */
    async assign(id: string, groups: Array<{ line: number; tier: string }>): Promise<void> {
      if (groups.length > 0) {
        await prisma.$executeRawUnsafe(
          `UPDATE "BatchItem" b SET tier = v.tier FROM unnest($2::int[], $3::text[]) AS v(line, tier) WHERE b."jobId" = $1 AND b.line = v.line`,
          id, groups.map((g) => g.line), groups.map((g) => g.tier),
        );
      }
      await prisma.$executeRawUnsafe(
        `UPDATE "BatchJob" SET "perTier" = COALESCE((
           SELECT jsonb_object_agg(tier, jsonb_build_object('total', n, 'done', d, 'failed', f)) FROM (
             SELECT tier, count(*)::int AS n, (count(*) FILTER (WHERE status IN ('done', 'failed')))::int AS d, (count(*) FILTER (WHERE status = 'failed'))::int AS f
             FROM "BatchItem" WHERE "jobId" = $1 AND tier IS NOT NULL GROUP BY tier) s), '{}'::jsonb)
         WHERE id = $1`,
        id,
      );
    },

    /** Finishes a queued item and moves the job's counters in the same statement; false if it was not queued. */
    async finish(id: string, line: number, f: Finished): Promise<boolean> {
      const cost = Number.isFinite(f.costUsd) ? f.costUsd : 0;
      const n = await prisma.$executeRawUnsafe(
        `WITH it AS (
           UPDATE "BatchItem" SET status = $3, result = $4::jsonb, error = $5, "costUsd" = $6, "decisionId" = $7
           WHERE "jobId" = $1 AND line = $2 AND status = 'queued' RETURNING tier, status, "costUsd"
         )
         UPDATE "BatchJob" j SET
           done = j.done + (it.status = 'done')::int,
           failed = j.failed + (it.status = 'failed')::int,
           "costUsd" = j."costUsd" + it."costUsd",
           "perTier" = CASE WHEN it.tier IS NULL THEN j."perTier" ELSE jsonb_set(j."perTier", ARRAY[it.tier], jsonb_build_object(
             'total', COALESCE((j."perTier"->it.tier->>'total')::int, 0),
             'done', COALESCE((j."perTier"->it.tier->>'done')::int, 0) + 1,
             'failed', COALESCE((j."perTier"->it.tier->>'failed')::int, 0) + (it.status = 'failed')::int)) END
         FROM it WHERE j.id = $1`,
        id, line, f.status, f.result === undefined || f.result === null ? null : JSON.stringify(f.result), f.error, cost, f.decisionId,
      );
      return n === 1;
    },

    /** Completed once no item is queued any more. */
    async complete(id: string): Promise<boolean> {
      const n = await prisma.$executeRawUnsafe(
        `UPDATE "BatchJob" SET status = 'completed', "finishedAt" = now()
         WHERE id = $1 AND status = 'running' AND NOT EXISTS (SELECT 1 FROM "BatchItem" WHERE "jobId" = $1 AND status = 'queued')`,
        id,
      );
      return n === 1;
    },

    /** Cancels a job that has not finished; its queued items become cancelled. */
    async cancel(id: string): Promise<boolean> {
      return prisma.$transaction(async (tx) => {
        const n = await tx.$executeRawUnsafe(`UPDATE "BatchJob" SET status = 'cancelled', "finishedAt" = now() WHERE id = $1 AND status IN ('queued', 'running')`, id);
        if (n !== 1) return false;
        await tx.$executeRawUnsafe(`UPDATE "BatchItem" SET status = 'cancelled', error = 'the job was cancelled' WHERE "jobId" = $1 AND status = 'queued'`, id);
        return true;
      });
    },

    async items(id: string): Promise<Array<{ line: number; status: ItemStatus; tier: string | null; request: unknown; result: unknown; error: string | null; costUsd: number; decisionId: string | null }>> {
      return q(`SELECT line, status, tier, request, result, error, "costUsd"::float8 AS "costUsd", "decisionId" FROM "BatchItem" WHERE "jobId" = $1 ORDER BY line`, id);
    },
  };
}

export type BatchStore = ReturnType<typeof batchStore>;
