// Monthly RANGE partitions of Decision and DecisionAttempt. Created ahead of time (at migrate and
// by the decision writer) so rows land in small per-month tables that can be dropped or detached
// whole for retention. A row outside every prepared month falls into the DEFAULT partition; a month
// whose range already has rows in DEFAULT cannot get its own partition (Postgres refuses), so it is
// skipped and stays in DEFAULT rather than failing a write.
export const PARTITIONED_TABLES = ['Decision', 'DecisionAttempt'] as const;

export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** First instant (UTC) of the month containing `d`, shifted by `offset` months. */
export function monthStart(d: Date, offset = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
}

export function partitionName(table: string, month: Date): string {
  const m = String(month.getUTCMonth() + 1).padStart(2, '0');
  return `${table}_y${month.getUTCFullYear()}m${m}`;
}

/** Months from `before` months ago to `ahead` months after `now`. */
export function monthsAround(now: Date, before: number, ahead: number): Date[] {
  const out: Date[] = [];
  for (let i = -before; i <= ahead; i++) out.push(monthStart(now, i));
  return out;
}

const SKIPPABLE = new Set([
  '42P07', // duplicate_table: another process created it first
  '23514', // check_violation: DEFAULT already holds rows of this month
  '42P17', // invalid_object_definition: overlaps an existing partition
]);

/** Creates the missing monthly partitions; returns the names created. Never throws for a month
 *  that cannot be created for a benign reason (see SKIPPABLE). Runs each statement on its own. */
export async function ensureMonthlyPartitions(db: Queryable, months: Date[], schema?: string): Promise<string[]> {
  const created: string[] = [];
  const q = (name: string) => (schema ? `"${schema.replace(/"/g, '""')}"."${name}"` : `"${name}"`);
  const existing = new Set(
    (
      (await db.query(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
         WHERE p.relname = ANY($1::text[]) AND p.relnamespace = coalesce($2, current_schema())::regnamespace`,
        [[...PARTITIONED_TABLES], schema ?? null],
      )) as { rows: { name: string }[] }
    ).rows.map((r) => r.name),
  );
  for (const month of months) {
    const from = monthStart(month);
    const to = monthStart(month, 1);
    for (const table of PARTITIONED_TABLES) {
      const name = partitionName(table, from);
      if (existing.has(name)) continue;
      try {
        await db.query(
          `CREATE TABLE IF NOT EXISTS ${q(name)} PARTITION OF ${q(table)} FOR VALUES FROM ('${from.toISOString()}') TO ('${to.toISOString()}')`,
        );
        created.push(name);
      } catch (err) {
        if (!SKIPPABLE.has((err as { code?: string }).code ?? '')) throw err;
      }
    }
  }
  return created;
}
