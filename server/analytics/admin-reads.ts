// Read-only admin lists the console shows that no other module serves yet: the audit log and the
// tuner's proposals (with their evidence). Keyset-paginated by time.
import type { Sql } from './queries';

export interface AuditRow {
  id: string;
  at: Date;
  actorLabel: string;
  action: string;
  target: string;
  details: unknown;
}

export async function listAudit(sql: Sql, f: { action?: string; q?: string; before?: Date; limit: number }): Promise<AuditRow[]> {
  const p: unknown[] = [];
  const w: string[] = [];
  if (f.action) {
    p.push(f.action);
    w.push(`action = $${p.length}`);
  }
  if (f.q) {
    p.push(`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    w.push(`("actorLabel" ILIKE $${p.length} OR target ILIKE $${p.length})`);
  }
  if (f.before) {
    p.push(f.before);
    w.push(`at < $${p.length}`);
  }
  p.push(f.limit);
  const rows = await sql<AuditRow>(
    `SELECT id, at, "actorLabel", action, target, details FROM "AuditEvent" ${w.length ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY at DESC LIMIT $${p.length}`,
    p,
  );
  return rows.map((r) => ({ ...r, at: new Date(r.at) }));
}

export interface ProposalRow {
  id: string;
  createdAt: Date;
  fromVersion: number;
  toVersion: number | null;
  proposal: unknown;
  evidence: unknown;
  status: string;
  decidedAt: Date | null;
  reason: string;
}

export async function listProposals(sql: Sql, status: string | undefined, limit: number): Promise<ProposalRow[]> {
  const p: unknown[] = [];
  let w = '';
  if (status) {
    p.push(status);
    w = `WHERE status = $1`;
  }
  p.push(limit);
  return sql<ProposalRow>(
    `SELECT id, "createdAt", "fromVersion", "toVersion", proposal, evidence, status, "decidedAt", reason FROM "TunerProposal" ${w} ORDER BY "createdAt" DESC LIMIT $${p.length}`,
    p,
  );
}

export interface BatchJobRow {
  id: string;
  createdAt: Date;
  name: string;
  status: string;
  total: number;
  done: number;
  failed: number;
  perTier: unknown;
  costUsd: number;
}

export async function listBatchJobs(sql: Sql, limit: number): Promise<BatchJobRow[]> {
  const rows = await sql<BatchJobRow>(
    `SELECT id, "createdAt", name, status, total, done, failed, "perTier", "costUsd" FROM "BatchJob" ORDER BY "createdAt" DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ ...r, costUsd: Number(r.costUsd) }));
}

/** Items of one job in line order, for the results download (bounded). */
export async function batchResults(sql: Sql, jobId: string, limit = 100_000): Promise<Array<{ line: number; status: string; tier: string | null; result: unknown; error: string | null; costUsd: number; decisionId: string | null }>> {
  return sql(
    `SELECT line, status, tier, result, error, "costUsd"::float8 AS "costUsd", "decisionId" FROM "BatchItem" WHERE "jobId" = $1 ORDER BY line LIMIT $2`,
    [jobId, limit],
  );
}

/**
 * Pure: per-tier progress from a job's perTier JSON, accepting { tier: n } or
 * { tier: { done, total } }. Unknown shapes give an empty list rather than NaN bars.
 */
export function tierProgress(perTier: unknown, total: number): Array<{ tier: string; done: number; total: number; share: number }> {
  if (!perTier || typeof perTier !== 'object') return [];
  const out: Array<{ tier: string; done: number; total: number; share: number }> = [];
  for (const [tier, v] of Object.entries(perTier as Record<string, unknown>)) {
    let done = 0;
    let t = total;
    if (typeof v === 'number') done = v;
    else if (v && typeof v === 'object') {
      const o = v as { done?: unknown; total?: unknown };
      done = typeof o.done === 'number' ? o.done : 0;
      t = typeof o.total === 'number' ? o.total : total;
    }
    if (!Number.isFinite(done) || !Number.isFinite(t)) continue;
    out.push({ tier, done, total: t, share: t > 0 ? Math.min(1, done / t) : 0 });
  }
  return out.sort((a, b) => a.tier.localeCompare(b.tier));
}
