// The product's zero-config mode: decisions recorded into the embedded PGlite. It drops the
// connection on COPY FROM STDIN, so before the recorder picked its writer by server, every batch
// went to the spool and none reached the database (the test suite runs on a real Postgres, so
// nothing else here sees the embedded server).
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import { uuidv7 } from './ids';
import { createRecorder } from './recorder';
import type { DecisionRecord } from './types';

let embedded: EmbeddedPostgres;
beforeAll(async () => {
  embedded = await startEmbeddedPostgres({ dataDir: null, maxConnections: 10 });
  await migrate(embedded.url);
});
afterAll(() => embedded?.stop());

function decision(i: number, at: Date): DecisionRecord {
  return {
    id: uuidv7(), createdAt: at, source: 'api', apiKeyId: null, promptHash: `h${i}`, promptPreview: `prompt ${i}`, band: 'simple', score: 0.1,
    policyVersion: 1, finalTier: 'small', cacheStatus: 'miss', tokensIn: 10, tokensOut: 20, costUsd: 0.001, baselineCostUsd: 0.01, latencyMs: 15, status: 'ok', attempts: [],
  } as unknown as DecisionRecord;
}

describe('recorder on the embedded Postgres', () => {
  it('writes decisions and their rollups to the database, spooling nothing', async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), 'spool-embedded-'));
    const rec = createRecorder({ url: embedded.url, spoolDir, batchSize: 16, flushMs: 5 });
    const at = new Date();
    for (let i = 0; i < 40; i++) rec.record(decision(i, at));
    await rec.flush();
    await rec.close();
    const c = new pg.Client({ connectionString: embedded.url });
    await c.connect();
    try {
      expect((await c.query('SELECT count(*)::int AS n FROM "Decision"')).rows[0].n).toBe(40);
      expect((await c.query('SELECT sum("count")::int AS n FROM "DecisionRollup"')).rows[0].n).toBe(40);
      expect((await c.query('SELECT sum("count")::int AS n FROM "DecisionRollupDaily"')).rows[0].n).toBe(40);
    } finally {
      await c.end();
    }
    expect(readdirSync(spoolDir).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
  });
});
