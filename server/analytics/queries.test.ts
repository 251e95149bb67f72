// The dashboard and explorer SQL against a real, migrated Postgres. Every test uses its own tier
// names, so files running in parallel on the same database never see each other's rows.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { getDecision, listDecisions } from './decisions';
import { dashboardFiltersSchema, decisionListSchema } from './filters';
import { loadRollups, type Sql } from './queries';

const pool = new pg.Pool({ connectionString: process.env.TEST_DATABASE_URL, max: 3 });
const sql: Sql = async <T,>(text: string, params: unknown[]) => (await pool.query(text, params)).rows as T[];
afterAll(() => pool.end());

const uniq = (p: string) => `${p}-${randomUUID().slice(0, 8)}`;
const hour = (d: Date) => new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000);
const NOW = hour(new Date());

async function rollup(r: { bucket: Date; tier: string; band: string; cacheStatus?: string; status?: string; count: number; cost: number; baseline: number; hist?: number[]; apiKeyId?: string }) {
  await pool.query(
    `INSERT INTO "DecisionRollup" (bucket, "apiKeyId", tier, band, "policyVersion", "cacheStatus", status, count, "costUsd", "baselineCostUsd",
        "tokensIn", "tokensOut", "latencySumMs", "ttftSumMs", "ttftCount", escalations, "latencyHist")
     VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8, $9, 0, 0, 0, $10, $7, 0, $11)`,
    [r.bucket, r.apiKeyId ?? '', r.tier, r.band, r.cacheStatus ?? 'miss', r.status ?? 'ok', r.count, r.cost, r.baseline, r.count * 100, r.hist ?? []],
  );
}

async function decision(d: { tier: string; band?: string; preview: string; at?: Date; cost?: number }): Promise<string> {
  const id = randomUUID();
  await pool.query(
    `INSERT INTO "Decision" (id, "createdAt", source, "promptHash", "promptPreview", band, score, "finalTier", "cacheStatus", "tokensIn", "tokensOut",
        "costUsd", "baselineCostUsd", "latencyMs", status, escalations)
     VALUES ($1, $2, 'chat', 'h', $3, $4, 0.4, $5, 'miss', 100, 50, $6, 0.01, 120, 'ok', 0)`,
    [id, d.at ?? new Date(), d.preview, d.band ?? 'simple', d.tier, d.cost ?? 0.001],
  );
  return id;
}

describe('loadRollups', () => {
  it('aggregates rollups per bucket, tier and band, honours filters, and merges ratings', async () => {
    const tier = uniq('small');
    const other = uniq('large');
    await rollup({ bucket: NOW, tier, band: 'simple', count: 10, cost: 0.1, baseline: 1, hist: [2, 8] });
    await rollup({ bucket: NOW, tier, band: 'simple', cacheStatus: 'exact', count: 5, cost: 0, baseline: 0.5, hist: [5] });
    await rollup({ bucket: NOW, tier, band: 'simple', status: 'error', count: 1, cost: 0.01, baseline: 0.1 });
    await rollup({ bucket: NOW, tier: other, band: 'complex', count: 3, cost: 0.3, baseline: 0.3 });
    const id = await decision({ tier, preview: 'rated' });
    await pool.query(
      `INSERT INTO "Feedback" (id, "decisionId", "decisionCreatedAt", "raterId", rating) SELECT $1, id, "createdAt", 'u1', 1 FROM "Decision" WHERE id = $2`,
      [randomUUID(), id],
    );

    const f = dashboardFiltersSchema.parse({ from: new Date(NOW.getTime() - 3_600_000), to: new Date(NOW.getTime() + 3_600_000), tier });
    const { rows, latency: lat } = await loadRollups(sql, f, 'hour', 3);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ tier, band: 'simple', requests: 16, errors: 1, cacheExact: 5, cacheSemantic: 0, ratedUp: 1, ratedDown: 0 });
    expect(rows[0].costUsd).toBeCloseTo(0.11);
    expect(rows[0].cacheSavedUsd).toBeCloseTo(0.5);

    expect(lat).toEqual([{ tier, requests: 16, ttftSumMs: 1600, ttftCount: 16, latencyHist: [7, 8, 0] }]);

    const none = await loadRollups(sql, dashboardFiltersSchema.parse({ ...f, band: 'research' }), 'day');
    expect(none).toEqual({ rows: [], latency: [] });
  });
});

describe('decision explorer', () => {
  it('pages with keyset cursors both ways, searches the preview literally, and shows one decision', async () => {
    const tier = uniq('medium');
    const base = Date.now() - 60_000;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await decision({ tier, preview: i === 2 ? 'discount of 50% off_now' : `question ${i}`, at: new Date(base + i * 1000) }));
    const page1 = await listDecisions(sql, decisionListSchema.parse({ tier, pageSize: 2 }));
    expect(page1.rows.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    expect(page1.prev).toBeNull();
    const page2 = await listDecisions(sql, decisionListSchema.parse({ tier, pageSize: 2, after: page1.next! }));
    expect(page2.rows.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    const back = await listDecisions(sql, decisionListSchema.parse({ tier, pageSize: 2, before: page2.prev! }));
    expect(back.rows.map((r) => r.id)).toEqual([ids[4], ids[3]]);
    const last = await listDecisions(sql, decisionListSchema.parse({ tier, pageSize: 2, after: page2.next! }));
    expect(last.rows.map((r) => r.id)).toEqual([ids[0]]);
    expect(last.next).toBeNull();

    // % and _ are literal characters in the search, not wildcards.
    expect((await listDecisions(sql, decisionListSchema.parse({ tier, q: '50%' }))).rows.map((r) => r.id)).toEqual([ids[2]]);
    expect((await listDecisions(sql, decisionListSchema.parse({ tier, q: 'n_w' }))).rows).toEqual([]);

    const d = await getDecision(sql, ids[2]);
    expect(d).toMatchObject({ id: ids[2], finalTier: tier, tokensIn: 100, tokensOut: 50, attempts: [], ratings: [] });
    expect(d!.counterfactual.every((c) => Number.isFinite(c.costUsd))).toBe(true);
    expect(await getDecision(sql, randomUUID())).toBeNull();
    expect(await getDecision(sql, 'not-a-uuid')).toBeNull();
  });
});
