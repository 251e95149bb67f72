// Month-to-date spend per key for budgets, shared by all replicas: a Redis counter per key and
// month, seeded once from the Postgres rollups and increased by every replica as its answers are
// recorded. Every replica reads the same number on every budgeted request (one GET), so the
// overshoot no longer grows with the number of replicas or a cache TTL: it is bounded by the
// requests of that key already admitted (checked below the budget) but not yet finished when the
// budget is crossed -- at most (that key's concurrent requests across replicas) x (the largest
// cost of one request). Tested in shared-budgets.test.ts.
import type { SpendCounter } from './types';

/** The gateway's budget port (server/gateway/types.ts BudgetSource), by shape: coord sits below the gateway. */
export interface SpendSource {
  spentUsd(apiKeyId: string): number | Promise<number>;
}

export function monthKey(d: Date): string {
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function sharedBudgetSource(spend: SpendCounter, rollups: SpendSource, now: () => Date = () => new Date()): SpendSource & { add(apiKeyId: string, usd: number, at: Date): void } {
  return {
    async spentUsd(apiKeyId) {
      const month = monthKey(now());
      try {
        const v = await spend.get(apiKeyId, month);
        if (v !== null) return v;
        // First read of this key this month anywhere: seed from the rollups (a concurrent seed from
        // another replica wins; both read the same rollups), then read what is there.
        await spend.seed(apiKeyId, month, await rollups.spentUsd(apiKeyId));
        return (await spend.get(apiKeyId, month)) ?? 0;
      } catch {
        // Redis unreachable: the rollups (seconds behind) rather than no budget at all
        return rollups.spentUsd(apiKeyId);
      }
    },
    add(apiKeyId, usd, at) {
      void spend.add(apiKeyId, monthKey(at), usd).catch(() => undefined);
    },
  };
}
