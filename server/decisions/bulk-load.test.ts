// COPY paths against the run's real Postgres: bulk loading (seed-demo) keeps rollups equal to the
// rows and writes nothing of a chunk that fails; text with tabs, newlines and backslashes survives
// the COPY text format through the recorder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import { bulkLoad } from './bulk-load';
import { copyLine } from './copy-text';
import { uuidv7 } from './ids';
import { normalizeDecision, type StoredDecision } from './normalize';
import { createRecorder } from './recorder';
import type { DecisionRecord } from './types';

const url = process.env.TEST_DATABASE_URL!;
const db = new pg.Pool({ connectionString: url, max: 4 });
afterAll(() => db.end());

function decision(apiKeyId: string, i: number, at: Date, preview = `bulk question ${i}`): DecisionRecord {
  return {
    id: uuidv7(), createdAt: at, principalId: null, apiKeyId, source: 'simulation', promptHash: 'b'.repeat(64), promptPreview: preview,
    band: 'simple', score: 0.2, probs: { simple: 0.9, moderate: 0.1, complex: 0, research: 0 }, signals: { note: 'tab\there' }, policyVersion: 1, plan: { targets: ['small'] },
    finalTier: 'small', cacheStatus: 'miss', tokensIn: 10, tokensOut: 20, costUsd: 0.5, baselineCostUsd: 1, latencyMs: 100 + i, ttftMs: 30,
    status: 'ok', errorCode: null, escalations: i % 2,
    attempts: Array.from({ length: 1 + (i % 2) }, (_, seq) => ({
      seq, tierId: 't', tierName: 'small', step: 'answer', startedAt: at, latencyMs: 50, ttftMs: 20, queueMs: 0, tokensIn: 10, tokensOut: 20, costUsd: 0.25, outcome: 'ok' as const, detail: null,
    })),
  };
}

function rows(apiKeyId: string, n: number, at: Date): StoredDecision[] {
  return Array.from({ length: n }, (_, i) => normalizeDecision(decision(apiKeyId, i, new Date(at.getTime() + i * 1000)))!);
}

async function totals(apiKeyId: string) {
  const q = await db.query<{ d: number; a: number; rc: number | null; cost: number | null; esc: number | null }>(
    `SELECT (SELECT count(*)::int FROM "Decision" WHERE "apiKeyId" = $1) AS d,
            (SELECT count(*)::int FROM "DecisionAttempt" a JOIN "Decision" d ON d.id = a."decisionId" AND d."createdAt" = a."createdAt" WHERE d."apiKeyId" = $1) AS a,
            (SELECT sum("count")::int FROM "DecisionRollup" WHERE "apiKeyId" = $1) AS rc,
            (SELECT sum("costUsd") FROM "DecisionRollup" WHERE "apiKeyId" = $1) AS cost,
            (SELECT sum(escalations)::int FROM "DecisionRollup" WHERE "apiKeyId" = $1) AS esc`,
    [apiKeyId],
  );
  return q.rows[0];
}

describe('bulkLoad', () => {
  it('writes every chunk with its attempts and rollups that add up to the rows', async () => {
    const key = `bulk-${uuidv7()}`;
    const all = rows(key, 2500, new Date(Date.now() - 3 * 3_600_000));
    const chunks = [all.slice(0, 1000), all.slice(1000, 2000), all.slice(2000)];
    const progress: number[] = [];
    const written = await bulkLoad(db, chunks, { concurrency: 2, onProgress: (n) => progress.push(n) });
    expect(written).toBe(2500);
    expect(progress[progress.length - 1]).toBe(2500);
    expect(await totals(key)).toEqual({ d: 2500, a: 2500 + 1250, rc: 2500, cost: 2500 * 0.5, esc: 1250 });
  });

  it('a chunk that fails (an id already present) leaves neither rows nor rollups behind', async () => {
    const key = `bulk-${uuidv7()}`;
    const first = rows(key, 10, new Date());
    await bulkLoad(db, [first]);
    const second = rows(key, 10, new Date());
    second[5] = { ...first[3] };
    await expect(bulkLoad(db, [second])).rejects.toThrow(/duplicate key/);
    expect(await totals(key)).toEqual({ d: 10, a: 15, rc: 10, cost: 5, esc: 5 });
  });
});

describe('bulkLoad on the embedded Postgres', () => {
  // PGlite drops the connection on COPY FROM STDIN (seed-demo crashed on a fresh `npm start` install):
  // the same chunks go through the unnest INSERT there, with the same rollups.
  it('writes every chunk with its attempts and rollups, without COPY', { timeout: 240_000 }, async () => {
    const emb = await startEmbeddedPostgres({ dataDir: null, maxConnections: 4 });
    const pool = new pg.Pool({ connectionString: emb.url, max: 2 });
    try {
      await migrate(emb.url);
      const key = `bulk-${uuidv7()}`;
      const all = rows(key, 300, new Date(Date.now() - 3 * 3_600_000));
      const progress: number[] = [];
      expect(await bulkLoad(pool, [all.slice(0, 200), all.slice(200)], { concurrency: 2, onProgress: (n) => progress.push(n) })).toBe(300);
      expect(progress).toEqual([200, 300]);
      const { rows: [t] } = await pool.query<{ d: number; a: number; rc: number }>(
        `SELECT (SELECT count(*)::int FROM "Decision") AS d, (SELECT count(*)::int FROM "DecisionAttempt") AS a,
                (SELECT sum("count")::int FROM "DecisionRollup") AS rc`,
      );
      expect(t).toEqual({ d: 300, a: 450, rc: 300 });
      // a repeated id fails its chunk instead of being skipped silently
      await expect(bulkLoad(pool, [[all[0]]])).rejects.toThrow(/already existed/);
    } finally {
      await pool.end();
      await emb.stop();
    }
  });
});

describe('COPY text', () => {
  it('escapes tabs, newlines, carriage returns and backslashes, and writes NULL as \\N', () => {
    expect(copyLine(['a\tb', 'c\nd\re', 'back\\slash', null, 1.5, 0])).toBe('a\\tb\tc\\nd\\re\tback\\\\slash\t\\N\t1.5\t0\n');
    expect(() => copyLine([Number.NaN])).toThrow(/non-finite/);
  });

  it('the recorder stores previews and JSON containing control characters and backslashes unchanged', async () => {
    const key = `copy-${uuidv7()}`;
    const preview = 'line one\nline\ttwo \\n not a newline \\ end\r';
    const rec = createRecorder({ url, spoolDir: mkdtempSync(join(tmpdir(), 'copy-spool-')), batchSize: 10, flushMs: 5 });
    const d = decision(key, 0, new Date(), preview);
    rec.record(d);
    await rec.close();
    const got = await db.query<{ p: string; s: unknown }>(`SELECT "promptPreview" AS p, signals AS s FROM "Decision" WHERE id = $1`, [d.id]);
    expect(got.rows).toEqual([{ p: preview, s: { note: 'tab\there' } }]);
  });
});
