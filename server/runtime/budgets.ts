// Month-to-date spend per API key for the budget-aware downgrade in decide(). Read from the daily and
// hourly rollups (one row per bucket x key x tier x ...), never from the raw decision table, and cached for a
// few seconds so the request path does not query Postgres on every request.
import type { PrismaClient } from '../db/client';
import type { BudgetSource } from '../gateway/types';

export interface RollupBudgetOptions {
  /** How long a key's spend is served from memory before it is read again (default 5 s). */
  ttlMs?: number;
  now?: () => Date;
}

/** First instant of the calendar month (UTC) that `d` falls in: budgets are per calendar month. */
export function monthStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

/** First instant of the UTC day that `d` falls in (the daily rollup's bucket). */
export function dayStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

export function rollupBudgetSource(prisma: PrismaClient, opts: RollupBudgetOptions = {}): BudgetSource & { forget(): void } {
  const ttl = opts.ttlMs ?? 5_000;
  const now = opts.now ?? (() => new Date());
  const cache = new Map<string, { usd: number; at: number; month: number; pending: Promise<number> | null }>();

  async function read(apiKeyId: string): Promise<number> {
    const t = now();
    const from = monthStart(t);
    const today = dayStart(t);
    // Whole UTC days of the month from the daily rollup (one row per day and combination, ~24x fewer
    // rows than hourly), today's hours from the hourly one: the same sum as hourly rows alone, because
    // the writer moves both in one transaction (server/analytics/rollup-source.ts reads the same way).
    const [days, hours] = await Promise.all([
      from < today ? prisma.decisionRollupDaily.aggregate({ where: { apiKeyId, bucket: { gte: from, lt: today } }, _sum: { costUsd: true } }) : null,
      prisma.decisionRollup.aggregate({ where: { apiKeyId, bucket: { gte: today } }, _sum: { costUsd: true } }),
    ]);
    const usd = (days?._sum.costUsd ?? 0) + (hours._sum.costUsd ?? 0);
    return Number.isFinite(usd) && usd > 0 ? usd : 0;
  }

  function refresh(apiKeyId: string): Promise<number> {
    const entry = cache.get(apiKeyId);
    if (entry?.pending) return entry.pending;
    const month = monthStart(now()).getTime();
    const pending = read(apiKeyId).then(
      (usd) => {
        cache.set(apiKeyId, { usd, at: Date.now(), month, pending: null });
        return usd;
      },
      (err: unknown) => {
        // Keep serving the last known value; with none, the error reaches the caller.
        const last = cache.get(apiKeyId);
        if (last) last.pending = null;
        if (last && last.month === month) return last.usd;
        throw err;
      },
    );
    if (entry) entry.pending = pending;
    else cache.set(apiKeyId, { usd: 0, at: -Infinity, month: -1, pending });
    return pending;
  }

  return {
    spentUsd(apiKeyId) {
      const e = cache.get(apiKeyId);
      const month = monthStart(now()).getTime();
      // Unknown key or a new month: wait for the database (a first request must not slip past a used-up budget).
      if (!e || e.month !== month) return e?.pending ?? refresh(apiKeyId);
      if (Date.now() - e.at > ttl) void refresh(apiKeyId).catch(() => undefined); // stale: serve it, refresh behind
      return e.usd;
    },
    forget: () => cache.clear(),
  };
}
