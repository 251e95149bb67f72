// Direct database work of the chaos suite: keys and tiers it needs, and the check that every answered
// request's decision is in Postgres exactly once.
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { hashApiKey } from '../../server/repos/users';

export async function ensureDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (r.rowCount === 0) await c.query(`CREATE DATABASE "${name.replaceAll('"', '')}"`);
  } finally {
    await c.end();
  }
}

export class ChaosDb {
  readonly pool: pg.Pool;
  constructor(url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 2 });
  }

  async createKey(role: 'user' | 'analyst' | 'admin' = 'user', tenant = 'default'): Promise<{ raw: string; id: string }> {
    const raw = `csk_${randomBytes(24).toString('base64url')}`;
    const id = randomUUID();
    await this.pool.query(`INSERT INTO "ApiKey" (id, name, prefix, hash, tenant, role) VALUES ($1, $2, $3, $4, $5, $6)`, [id, `chaos-${role}`, raw.slice(0, 8), hashApiKey(raw), tenant, role]);
    return { raw, id };
  }

  async createTier(name: string, baseUrl: string, o: { timeoutMs?: number; maxConcurrency?: number } = {}): Promise<void> {
    await this.pool.query(
      `INSERT INTO "Tier" (id, name, role, kind, "baseUrl", model, "inputPricePerM", "outputPricePerM", "maxConcurrency", "timeoutMs", enabled, "updatedAt")
       VALUES ($1, $2, 'small', 'openai', $3, 'fault-model', 0.1, 0.2, $4, $5, true, now())
       ON CONFLICT (name) DO UPDATE SET "baseUrl" = EXCLUDED."baseUrl", "timeoutMs" = EXCLUDED."timeoutMs", "maxConcurrency" = EXCLUDED."maxConcurrency", enabled = true`,
      [randomUUID(), name, baseUrl, o.maxConcurrency ?? 64, o.timeoutMs ?? 2000],
    );
  }

  /** How many answered ids are missing from Postgres, and how many are there more than once. */
  async checkDecisions(ids: string[]): Promise<{ found: number; missing: number; duplicated: number }> {
    if (ids.length === 0) return { found: 0, missing: 0, duplicated: 0 };
    const r = await this.pool.query<{ id: string; n: number }>(`SELECT id::text, count(*)::int AS n FROM "Decision" WHERE id = ANY($1::uuid[]) GROUP BY id`, [ids]);
    const duplicated = r.rows.filter((x) => x.n > 1).length;
    return { found: r.rowCount ?? 0, missing: ids.length - (r.rowCount ?? 0), duplicated };
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
