// Postgres CacheStore over the "CacheEntry" table (prisma/schema.prisma) using plain `pg`: the bulk
// load at start reads keyset pages of rows, and LISTEN needs a dedicated pg
// connection anyway, which Prisma cannot provide. Cross-instance changes travel on one NOTIFY
// channel; payloads carry ids only (NOTIFY is limited to 8000 bytes), receivers read the row.
import pg from 'pg';
import { columns } from '../lib/columns';
import { HitBatcher, type HitBatch } from './hit-batcher';
import type { CacheChange, CacheEntry, CacheStore } from './store';

export const CHANNEL = 'cascade_cache';
const NEVER = new Date('9999-12-31T00:00:00Z');
const COLUMNS = `"id","scopeHash","promptHash","promptNorm","embedding","answer","tierName","tierRank","costUsd","hits","createdAt","lastHitAt","expiresAt","decisionId"`;
/** Ids per NOTIFY message: 36-char uuids + JSON framing stay well under the 8000-byte limit. */
const IDS_PER_NOTIFY = 150;
/** Most entries written by one upsert statement. */
const UPSERT_BATCH = 256;

interface PendingUpsert {
  e: CacheEntry;
  announce?: CacheChange;
  resolve: (stored: CacheEntry) => void;
  reject: (err: unknown) => void;
}

/** How long the start-up probe waits for its own NOTIFY to come back. */
const PROBE_MS = 1500;
/** Backoff between attempts to listen again after the listening connection died (jittered, doubling). */
const RELISTEN_MIN_MS = 250;
const RELISTEN_MAX_MS = 15_000;

interface Row {
  id: string;
  scopeHash: string;
  promptHash: string;
  promptNorm: string;
  embedding: Buffer;
  answer: string;
  tierName: string;
  tierRank: number;
  costUsd: number;
  hits: number;
  createdAt: Date;
  lastHitAt: Date;
  expiresAt: Date;
  decisionId: string | null;
}

export function vectorToBytes(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function bytesToVector(b: Buffer): Float32Array {
  // Copy: the Buffer may sit in a shared pool at an offset not aligned to 4 bytes.
  const out = new Float32Array(Math.floor(b.byteLength / 4));
  new Uint8Array(out.buffer).set(b.subarray(0, out.length * 4));
  return out;
}

function fromRow(r: Row): CacheEntry {
  return {
    ...r,
    embedding: bytesToVector(r.embedding),
    costUsd: Number(r.costUsd),
    lastHitAt: r.lastHitAt.getTime() === r.createdAt.getTime() && r.hits === 0 ? null : r.lastHitAt,
    expiresAt: r.expiresAt.getTime() >= NEVER.getTime() ? null : r.expiresAt,
  };
}

export class PgCacheStore implements CacheStore {
  private readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private listener: pg.Client | null = null;
  private sync: 'notify' | 'unavailable' = 'unavailable';
  private stopListening: (() => Promise<void>) | null = null;

  private readonly hits: HitBatcher;

  constructor(opts: { pool: pg.Pool; ownsPool?: boolean }) {
    this.pool = opts.pool;
    this.ownsPool = opts.ownsPool ?? false;
    this.hits = new HitBatcher((b) => this.writeHits(b));
  }

  async *loadPages(now: Date, opts: { pageSize: number; embeddings: boolean; answers: boolean }): AsyncIterable<CacheEntry[]> {
    // Keyset pages in LRU order: (lastHitAt, id) after the last row of the previous page.
    let columns = opts.embeddings ? COLUMNS : COLUMNS.replace('"embedding"', `''::bytea AS "embedding"`);
    if (!opts.answers) columns = columns.replace('"answer"', `'' AS "answer"`);
    let after: { at: Date; id: string } | null = null;
    for (;;) {
      const res: pg.QueryResult<Row> = after
        ? await this.pool.query<Row>(`SELECT ${columns} FROM "CacheEntry" WHERE "expiresAt" > $1 AND ("lastHitAt", "id") > ($2, $3) ORDER BY "lastHitAt" ASC, "id" ASC LIMIT $4`, [now, after.at, after.id, opts.pageSize])
        : await this.pool.query<Row>(`SELECT ${columns} FROM "CacheEntry" WHERE "expiresAt" > $1 ORDER BY "lastHitAt" ASC, "id" ASC LIMIT $2`, [now, opts.pageSize]);
      const rows: Row[] = res.rows;
      if (rows.length === 0) return;
      const last: Row = rows[rows.length - 1];
      after = { at: last.lastHitAt, id: last.id };
      yield rows.map(fromRow);
      if (rows.length < opts.pageSize) return;
    }
  }

  async countLive(now: Date): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ scope: string; n: string }>(`SELECT "scopeHash" AS scope, count(*) AS n FROM "CacheEntry" WHERE "expiresAt" > $1 GROUP BY 1`, [now]);
    return new Map(rows.map((r) => [r.scope, Number(r.n)]));
  }

  async get(id: string): Promise<CacheEntry | null> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM "CacheEntry" WHERE "id" = $1`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async answer(id: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ answer: string }>(`SELECT "answer" FROM "CacheEntry" WHERE "id" = $1`, [id]);
    return rows[0]?.answer ?? null;
  }

  /**
   * Upserts are group-committed: the first one is written at once; those that arrive while a write
   * is in flight go out together in the next statement (one round trip, one parse, for all the
   * misses answered meanwhile). At low rates that is one statement per entry, as before.
   */
  upsert(e: CacheEntry, announce?: CacheChange): Promise<CacheEntry> {
    return new Promise<CacheEntry>((resolve, reject) => {
      this.upserts.push({ e, announce, resolve, reject });
      this.upserting ??= this.upsertLoop();
    });
  }

  private readonly upserts: PendingUpsert[] = [];
  private upserting: Promise<void> | null = null;

  private async upsertLoop(): Promise<void> {
    while (this.upserts.length > 0) {
      const batch = this.upserts.splice(0, UPSERT_BATCH);
      try {
        await this.writeUpserts(batch);
        // Every column is overwritten from the new values (hits reset to 0, the id is the new one),
        // so the stored row is the entry itself: nothing is read back.
        for (const u of batch) u.resolve({ ...u.e, hits: 0, lastHitAt: u.e.lastHitAt && u.e.lastHitAt.getTime() !== u.e.createdAt.getTime() ? u.e.lastHitAt : null });
      } catch (err) {
        for (const u of batch) u.reject(err);
      }
    }
    this.upserting = null;
  }

  private async writeUpserts(batch: PendingUpsert[]): Promise<void> {
    // One row per key: a later entry for the same prompt replaces an earlier one of the same batch
    // (ON CONFLICT cannot touch one row twice in a statement). The NOTIFY rides in the same
    // statement: it is delivered at commit, after the rows are visible.
    const last = new Map<string, PendingUpsert>();
    for (const u of batch) last.set(`${u.e.scopeHash}:${u.e.promptHash}`, u);
    const cols = columns([...last.values()], ({ e, announce }) => [
      e.id, e.scopeHash, e.promptHash, e.promptNorm, vectorToBytes(e.embedding), e.answer, e.tierName, e.tierRank, e.costUsd,
      e.createdAt, e.lastHitAt ?? e.createdAt, e.expiresAt ?? NEVER, e.decisionId, announce ? JSON.stringify(announce) : null,
    ]);
    await this.pool.query(
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], $6::text[], $7::text[], $8::int[], $9::float8[],
           $10::timestamptz[], $11::timestamptz[], $12::timestamptz[], $13::text[], $14::text[])
         AS v(id, scope, prompt, norm, emb, answer, tier, rank, cost, created, lasthit, expires, decision, notice)),
       up AS (INSERT INTO "CacheEntry" (${COLUMNS})
         SELECT id, scope, prompt, norm, emb, answer, tier, rank, cost, 0, created, lasthit, expires, decision FROM v
         ON CONFLICT ("scopeHash","promptHash") DO UPDATE SET
           "id" = EXCLUDED."id", "promptNorm" = EXCLUDED."promptNorm", "embedding" = EXCLUDED."embedding",
           "answer" = EXCLUDED."answer", "tierName" = EXCLUDED."tierName", "tierRank" = EXCLUDED."tierRank",
           "costUsd" = EXCLUDED."costUsd", "hits" = 0, "createdAt" = EXCLUDED."createdAt",
           "lastHitAt" = EXCLUDED."lastHitAt", "expiresAt" = EXCLUDED."expiresAt", "decisionId" = EXCLUDED."decisionId"
         RETURNING "id")
       SELECT count(pg_notify('${CHANNEL}', v.notice)) FROM up JOIN v ON v.id = up."id" WHERE v.notice IS NOT NULL`,
      cols,
    );
  }

  recordHit(id: string, at: Date): Promise<void> {
    return this.hits.record(id, at);
  }

  /** One UPDATE for a batch of hits (hit-batcher.ts). */
  private async writeHits(b: HitBatch): Promise<void> {
    const ids = [...b.hits.keys()];
    const v = [...b.hits.values()];
    await this.pool.query(
      `UPDATE "CacheEntry" AS c SET "hits" = c."hits" + v.n, "lastHitAt" = v.at
       FROM unnest($1::text[], $2::int[], $3::timestamptz[]) AS v(id, n, at) WHERE c."id" = v.id`,
      [ids, v.map((h) => h.n), v.map((h) => h.at)],
    );
  }

  async deleteIds(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.pool.query(`DELETE FROM "CacheEntry" WHERE "id" = ANY($1::text[])`, [ids]);
  }

  async deleteTier(tierName: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(`DELETE FROM "CacheEntry" WHERE "tierName" = $1 RETURNING "id"`, [tierName]);
    return rows.map((r) => r.id);
  }

  async deleteAll(): Promise<void> {
    await this.pool.query(`DELETE FROM "CacheEntry"`);
  }

  async deleteExpired(now: Date): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(`DELETE FROM "CacheEntry" WHERE "expiresAt" <= $1 RETURNING "id"`, [now]);
    return rows.map((r) => r.id);
  }

  async publish(change: CacheChange): Promise<void> {
    const messages: CacheChange[] =
      change.op === 'delete'
        ? Array.from({ length: Math.ceil(change.ids.length / IDS_PER_NOTIFY) }, (_, i) => ({ ...change, ids: change.ids.slice(i * IDS_PER_NOTIFY, (i + 1) * IDS_PER_NOTIFY) }))
        : [change];
    for (const m of messages) await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(m)]);
  }

  /**
   * Listens on a dedicated connection. When that connection dies (a database outage, a restart), it is
   * opened again with a jittered doubling backoff, and `onResync` is called once listening again:
   * changes published while nobody listened are lost, so the caller re-reads the table.
   */
  async subscribe(onChange: (change: CacheChange) => void, onResync?: () => void): Promise<() => Promise<void>> {
    const nonce = `probe-${Math.random().toString(36).slice(2)}`;
    let probed: () => void = () => undefined;
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let delay = RELISTEN_MIN_MS;

    const listen = async (): Promise<pg.Client> => {
      // A dedicated connection outside the pool: LISTEN state belongs to one session.
      const client = new pg.Client(this.clientConfig());
      client.on('error', () => undefined);
      client.on('notification', (msg) => {
        if (msg.channel !== CHANNEL || !msg.payload) return;
        if (msg.payload === nonce) return probed();
        try {
          onChange(JSON.parse(msg.payload) as CacheChange);
        } catch {
          // A malformed payload (another version, manual NOTIFY) is ignored rather than crashing.
        }
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
      } catch (err) {
        await client.end().catch(() => undefined);
        throw err;
      }
      client.once('end', () => {
        if (this.listener !== client) return; // ended on purpose
        this.listener = null;
        relisten();
      });
      return client;
    };
    const relisten = (): void => {
      if (stopped || timer) return;
      const wait = delay * (0.5 + Math.random() / 2);
      delay = Math.min(delay * 2, RELISTEN_MAX_MS);
      timer = setTimeout(() => {
        timer = undefined;
        listen().then(
          async (client) => {
            if (stopped) return void (await client.end().catch(() => undefined));
            this.listener = client;
            delay = RELISTEN_MIN_MS;
            onResync?.();
          },
          () => relisten(),
        );
      }, wait);
      timer.unref();
    };

    const probe = new Promise<boolean>((resolve) => {
      probed = () => resolve(true);
      setTimeout(() => resolve(false), PROBE_MS).unref();
    });
    const first = await listen();
    this.listener = first;
    // Some servers (the embedded PGlite behind a socket) accept LISTEN but never deliver another
    // session's NOTIFY. Probe once through the pool so the cache can report it instead of silently
    // drifting apart from other instances.
    await this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, nonce]);
    this.sync = (await probe) ? 'notify' : 'unavailable';
    const stop = async () => {
      stopped = true;
      clearTimeout(timer);
      const client = this.listener;
      this.listener = null;
      if (this.stopListening === stop) this.stopListening = null;
      await client?.end().catch(() => undefined);
    };
    this.stopListening = stop;
    return stop;
  }

  syncStatus(): 'notify' | 'unavailable' {
    return this.listener ? this.sync : 'unavailable';
  }

  async close(): Promise<void> {
    await this.upserting;
    await this.hits.flush().catch(() => undefined);
    await this.stopListening?.();
    if (this.ownsPool) await this.pool.end();
  }

  private clientConfig(): pg.ClientConfig {
    // pg.Pool keeps the options it was created with; reuse them for the listening client.
    return (this.pool as unknown as { options: pg.ClientConfig }).options;
  }
}
