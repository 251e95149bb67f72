// Two cache instances on one real Postgres (TEST_DATABASE_URL, migrated by the global setup):
// persistence, rebuild at start and LISTEN/NOTIFY sync. Every test uses its own tenant and tier
// names, so parallel files sharing the table do not interfere.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpRelay } from '../../test/fixtures/tcp-relay';
import { LocalEmbedder } from '../embedding/local';
import { isEmbeddedServer } from '../db/server-kind';
import { createCache, LOCAL_EMBEDDER_THRESHOLD, type SemanticCache } from './index';
import { scopeHash } from './normalize';
import { bytesToVector, PgCacheStore, vectorToBytes } from './pg-store';
import type { CacheScope } from './types';

const url = process.env.TEST_DATABASE_URL;
const embedder = new LocalEmbedder();
let pool: pg.Pool;

beforeAll(() => {
  if (!url) throw new Error('TEST_DATABASE_URL is not set (the vitest global setup provides one)');
  pool = new pg.Pool({ connectionString: url, max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

function fresh() {
  const tenant = `tenant-${randomUUID()}`;
  const tier = `tier-${randomUUID()}`;
  const scope: CacheScope = { tenant, systemPrompt: '', params: '{}' };
  const store = (prompt: string, over: { tierName?: string; ttlSeconds?: number } = {}) => ({
    prompt, scope, answer: `A: ${prompt}`, tierName: over.tierName ?? tier, tierRank: 2, costUsd: 0.01, ttlSeconds: over.ttlSeconds ?? 3600, decisionId: randomUUID(),
  });
  const ask = (prompt: string) => ({ prompt, scope, minTierRank: 0, threshold: LOCAL_EMBEDDER_THRESHOLD });
  return { tenant, tier, scope, store, ask };
}

/** Waits (bounded) until a condition about the other instance holds: NOTIFY is asynchronous. */
async function until(cond: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

describe('PgCacheStore with two instances', () => {
  it('round-trips Float32 vectors through bytea exactly', () => {
    const v = new Float32Array([0.1, -2.5, 3e-8, 1]);
    const back = bytesToVector(Buffer.concat([Buffer.from([7]), vectorToBytes(v)]).subarray(1));
    expect([...back]).toEqual([...v]);
  });

  it('loads the table in keyset pages, in LRU order, with or without the stored vectors', async () => {
    const store = new PgCacheStore({ pool });
    const scopeKey = scopeHash({ tenant: `pages-${randomUUID()}`, systemPrompt: '', params: '{}' });
    const t0 = Date.now() + 86_400_000; // after every other test's rows: this tenant's rows come last
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const id = randomUUID();
      ids.push(id);
      // Two rows share each lastHitAt: the id breaks the tie, so no row is skipped or repeated at a page edge.
      const at = new Date(t0 + Math.floor(i / 2) * 1000);
      await store.upsert({ id, scopeHash: scopeKey, promptHash: randomUUID(), promptNorm: `page ${i}`, embedding: new Float32Array([i, 1]), answer: `a${i}`, tierName: 't', tierRank: 0, costUsd: 0, hits: 1, createdAt: new Date(t0 - 1000), lastHitAt: at, expiresAt: null, decisionId: null });
    }
    const read = async (embeddings: boolean) => {
      const pages: string[][] = [];
      const vectors: number[] = [];
      const answers: string[] = [];
      // Vectors and answers are read or left out together here: two cases cover both switches.
      for await (const page of store.loadPages(new Date(), { pageSize: 3, embeddings, answers: embeddings })) {
        const mine = page.filter((e) => e.scopeHash === scopeKey);
        if (mine.length > 0) pages.push(mine.map((e) => e.id));
        for (const e of mine) vectors.push(e.embedding.length);
        for (const e of mine) answers.push(e.answer);
      }
      return { order: pages.flat(), vectors, answers };
    };
    const expected = [...ids.keys()].sort((a, b) => Math.floor(a / 2) - Math.floor(b / 2) || ids[a].localeCompare(ids[b])).map((i) => ids[i]);
    const withVectors = await read(true);
    expect(withVectors.order).toEqual(expected);
    expect(withVectors.vectors.every((n) => n === 2)).toBe(true);
    expect(withVectors.answers.sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    const without = await read(false);
    expect(without.order).toEqual(expected);
    expect(without.vectors.every((n) => n === 0)).toBe(true);
    expect(without.answers.every((a) => a === '')).toBe(true);
    expect(await store.answer(ids[3])).toBe('a3');
    expect((await store.countLive(new Date())).get(scopeKey)).toBe(7);
    expect(await store.answer(randomUUID())).toBeNull();
    await pool.query(`DELETE FROM "CacheEntry" WHERE "scopeHash" = $1`, [scopeKey]);
  });

  it('writes upserts that arrive together in one statement: all stored, the last of a key wins, each announced', async () => {
    const store = new PgCacheStore({ pool });
    const scopeKey = scopeHash({ tenant: `batch-${randomUUID()}`, systemPrompt: '', params: '{}' });
    const entry = (i: number, key = `p${i}`) => ({ id: randomUUID(), scopeHash: scopeKey, promptHash: key, promptNorm: `prompt ${i}`, embedding: new Float32Array([i, 1]), answer: `a${i}`, tierName: 't', tierRank: 1, costUsd: 0.5, hits: 0, createdAt: new Date(), lastHitAt: null, expiresAt: null, decisionId: null });
    const notices: string[] = [];
    const other = new PgCacheStore({ pool });
    const unsubscribe = await other.subscribe((c) => c.origin === 'batch-test' && c.op === 'upsert' && notices.push(c.id));
    const entries = [...Array.from({ length: 40 }, (_, i) => entry(i)), entry(100, 'p3'), entry(101, 'p3')];
    const stored = await Promise.all(entries.map((e) => store.upsert(e, { op: 'upsert', id: e.id, origin: 'batch-test' })));
    expect(stored.map((e) => e.id)).toEqual(entries.map((e) => e.id));
    const { rows } = await pool.query<{ promptHash: string; answer: string; embedding: Buffer }>(`SELECT "promptHash", "answer", "embedding" FROM "CacheEntry" WHERE "scopeHash" = $1 ORDER BY "promptHash"`, [scopeKey]);
    expect(rows).toHaveLength(40);
    expect(rows.find((r) => r.promptHash === 'p3')?.answer).toBe('a101');
    expect([...bytesToVector(rows.find((r) => r.promptHash === 'p7')!.embedding)]).toEqual([7, 1]);
    // The embedded PGlite never delivers NOTIFY between sessions (see the next test); real Postgres must.
    const version = (await pool.query<{ v: string }>('SELECT version() AS v')).rows[0].v;
    if (!isEmbeddedServer(version)) await until(async () => new Set(notices).size >= 40, 'a notice per stored row');
    await unsubscribe();
    await pool.query(`DELETE FROM "CacheEntry" WHERE "scopeHash" = $1`, [scopeKey]);
  });

  it('persists entries and rebuilds the in-memory index at start', async () => {
    const t = fresh();
    const a = await createCache({ pool, embedder });
    await a.store(t.store('What is the capital of France?'));
    await a.close();
    const b = await createCache({ pool, embedder });
    const hit = await b.lookup(t.ask('Could you tell me what the capital of France is?'));
    expect(hit?.kind).toBe('semantic');
    expect(hit?.answer).toBe('A: What is the capital of France?');
    await until(async () => (await pool.query('SELECT "hits" FROM "CacheEntry" WHERE "id" = $1', [hit!.entryId])).rows[0].hits === 1, 'hit recorded');
    await b.close();
  });

  it('holds answers up to its budget and reads the others from the table on a hit; a row gone from the table is a miss', async () => {
    const t = fresh();
    // A budget of one short answer: the second store pushes the first answer out of memory.
    const a = await createCache({ pool, embedder, answerMemoryBytes: 200 });
    await a.store(t.store('How many legs does a spider have?'));
    await a.store(t.store('What is the boiling point of water at sea level?'));
    expect(a.stats()).toMatchObject({ answersHeld: 1 });
    expect(a.entry((await a.lookup(t.ask('How many legs does a spider have?')))!.entryId)?.answer).toBe('');
    const first = await a.lookup(t.ask('how many legs does a spider have'));
    expect(first?.answer).toBe('A: How many legs does a spider have?');
    expect(a.stats().answerReads).toBe(1); // read by the lookup above, held since
    const water = await a.lookup(t.ask('What is the boiling point of water at sea level?'));
    expect(water?.answer).toBe('A: What is the boiling point of water at sea level?');
    expect(a.stats().answerReads).toBe(2);
    // Deleted behind the cache's back (another instance, its notice not yet here): a miss, not an error.
    await pool.query('DELETE FROM "CacheEntry" WHERE "id" = $1', [water!.entryId]);
    await a.lookup(t.ask('How many legs does a spider have?')); // water's answer leaves memory
    expect(await a.lookup(t.ask('What is the boiling point of water at sea level?'))).toBeNull();
    expect(a.entry(water!.entryId)).toBeUndefined();
    await a.close();
    // A restarted instance loads no answers; a hit reads its own.
    const b = await createCache({ pool, embedder });
    expect(b.stats()).toMatchObject({ answersHeld: 0 });
    expect((await b.lookup(t.ask('How many legs does a spider have?')))?.answer).toBe('A: How many legs does a spider have?');
    expect(b.stats()).toMatchObject({ answersHeld: 1, answerReads: 1 });
    await b.close();
  });

  it('sums hits that arrive together into the stored count and keeps the latest hit time', async () => {
    const t = fresh();
    const c = await createCache({ pool, embedder });
    await c.store(t.store('How many legs does a spider have?'));
    const hits = await Promise.all([1, 2, 3].map(() => c.lookup(t.ask('How many legs does a spider have?'))));
    expect(hits.every((h) => h?.kind === 'exact')).toBe(true);
    await c.close(); // writes what is pending
    const row = (await pool.query('SELECT "hits", "lastHitAt", "createdAt" FROM "CacheEntry" WHERE "id" = $1', [hits[0]!.entryId])).rows[0];
    expect(row.hits).toBe(3);
    expect(row.lastHitAt.getTime()).toBeGreaterThanOrEqual(row.createdAt.getTime());
  });

  it('propagates store, thumbs-down eviction and tier invalidation across instances', async () => {
    const t = fresh();
    const a: SemanticCache = await createCache({ pool, embedder });
    const b: SemanticCache = await createCache({ pool, embedder });
    try {
      // The embedded PGlite (used when TEST_DATABASE_URL is unset) never delivers NOTIFY between
      // sessions: the cache must say so rather than pretend to be in sync. Real Postgres must sync.
      const version = (await pool.query<{ v: string }>('SELECT version() AS v')).rows[0].v;
      const expected = isEmbeddedServer(version) ? 'unavailable' : 'notify';
      expect({ version, sync: a.stats().sync }).toEqual({ version, sync: expected });
      if (expected === 'unavailable') return;
      await a.store(t.store('Who painted the Mona Lisa?'));
      await until(async () => (await b.lookup(t.ask('who painted the mona lisa'))) !== null, 'B sees A\'s insert');
      const hit = await b.lookup(t.ask('Who painted the Mona Lisa?'));
      await b.evict(hit!.entryId);
      await until(async () => (await a.lookup(t.ask('Who painted the Mona Lisa?'))) === null, 'A drops the evicted entry');
      expect((await pool.query('SELECT 1 FROM "CacheEntry" WHERE "id" = $1', [hit!.entryId])).rowCount).toBe(0);

      await b.store(t.store('Why is the sky blue?'));
      await until(async () => (await a.lookup(t.ask('Why is the sky blue?'))) !== null, 'A sees B\'s insert');
      expect(await a.invalidateTier(t.tier)).toBe(1);
      await until(async () => (await b.lookup(t.ask('Why is the sky blue?'))) === null, 'B drops the invalidated tier');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it.skipIf(process.env.TEST_DATABASE_EMBEDDED === '1')('listens again after a database outage and catches up on what it missed', async () => {
    const t = fresh();
    const relay = await startTcpRelay(url!);
    const viaRelay = new pg.Pool({ connectionString: relay.url, max: 4, connectionTimeoutMillis: 2000 });
    viaRelay.on('error', () => undefined);
    const a: SemanticCache = await createCache({ pool: viaRelay, embedder });
    const b: SemanticCache = await createCache({ pool, embedder });
    try {
      expect(a.stats().sync).toBe('notify');
      await relay.cut(); // A's listening connection dies with the outage
      await until(async () => a.stats().sync === 'unavailable', 'A notices it no longer listens');
      await b.store(t.store('What is the boiling point of water?')); // A cannot hear this one
      await relay.restore();
      await until(async () => a.stats().resyncs > 0, 'A listens again and re-reads the table');
      expect(a.stats().sync).toBe('notify');
      expect(await a.lookup(t.ask('What is the boiling point of water?'))).not.toBeNull();
      await b.store(t.store('Who wrote Hamlet?')); // heard live again
      await until(async () => (await a.lookup(t.ask('Who wrote Hamlet?'))) !== null, 'A sees B\'s insert after the outage');
    } finally {
      await a.close();
      await b.close();
      await viaRelay.end();
      await relay.close();
    }
  });

  it('does not load expired rows and stores "no TTL" as a far-future expiry', async () => {
    const t = fresh();
    const a = await createCache({ pool, embedder });
    await a.store(t.store('How many legs does a spider have?', { ttlSeconds: 0 }));
    await a.store(t.store('How many moons does Mars have?', { ttlSeconds: 3600 }));
    const expired = await pool.query(`UPDATE "CacheEntry" SET "expiresAt" = now() - interval '1 second' WHERE "promptNorm" = $1 AND "scopeHash" = $2`, ['How many moons does Mars have?', scopeHash(t.scope)]);
    expect(expired.rowCount).toBe(1);
    await a.close();
    const b = await createCache({ pool, embedder });
    expect(await b.lookup(t.ask('How many legs does a spider have?'))).not.toBeNull();
    expect(await b.lookup(t.ask('How many moons does Mars have?'))).toBeNull();
    await b.close();
  });
});
