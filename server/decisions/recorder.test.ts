// The decision recorder against the run's real Postgres. Outages are real too: the recorder talks
// to Postgres through a TCP relay that the test stops (connections cut, port refusing) and restarts.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startTcpRelay } from '../../test/fixtures/tcp-relay';
import { histogramQuantile, HIST_BUCKETS } from './histogram';
import { uuidv7 } from './ids';
import { normalizeDecision } from './normalize';
import { createRecorder } from './recorder';
import type { DecisionRecord } from './types';

const url = process.env.TEST_DATABASE_URL!;
const db = new pg.Pool({ connectionString: url, max: 2 });
afterAll(() => db.end());

function decision(apiKeyId: string, i: number, at: Date): DecisionRecord {
  return {
    id: uuidv7(),
    createdAt: at,
    principalId: 'user-1',
    apiKeyId,
    source: 'api',
    promptHash: 'a'.repeat(64),
    promptPreview: `question number ${i} about invoices`,
    band: i % 2 ? 'simple' : 'complex',
    score: 0.1 * (i % 10),
    probs: { simple: 0.7, moderate: 0.2, complex: 0.05, research: 0.05 },
    signals: { keywords: ['math'], tokens: 12 },
    policyVersion: 1,
    plan: { targets: ['small', 'large'] },
    finalTier: i % 3 ? 'small' : 'large',
    cacheStatus: 'miss',
    tokensIn: 100 + i,
    tokensOut: 50,
    costUsd: 0.001,
    baselineCostUsd: 0.01,
    latencyMs: 100 + (i % 50) * 10,
    ttftMs: i % 4 ? 40 : null,
    status: 'ok',
    errorCode: null,
    escalations: i % 3 ? 0 : 1,
    attempts: [
      { seq: 0, tierId: 't-small', tierName: 'small', step: 'answer', startedAt: at, latencyMs: 80, ttftMs: 30, queueMs: 1, tokensIn: 100, tokensOut: 50, costUsd: 0.001, outcome: 'ok', detail: null },
      ...(i % 3 ? [] : [{ seq: 1, tierId: 't-large', tierName: 'large', step: 'answer', startedAt: at, latencyMs: 90, ttftMs: null, queueMs: 0, tokensIn: 100, tokensOut: 50, costUsd: 0, outcome: 'ok' as const, detail: null }]),
    ],
  };
}

async function counts(apiKeyId: string) {
  const d = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Decision" WHERE "apiKeyId" = $1`, [apiKeyId]);
  const a = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "DecisionAttempt" a JOIN "Decision" d ON d.id = a."decisionId" AND d."createdAt" = a."createdAt" WHERE d."apiKeyId" = $1`,
    [apiKeyId],
  );
  const r = await db.query<{ n: number; cost: number; esc: number; tokens: number; hist: number[] }>(
    `SELECT sum("count")::int AS n, sum("costUsd") AS cost, sum(escalations)::int AS esc, sum("tokensIn")::float8 AS tokens,
       (SELECT array_agg(s ORDER BY o) FROM (SELECT o, sum(v)::int AS s FROM "DecisionRollup" r2, unnest(r2."latencyHist") WITH ORDINALITY AS u(v, o)
         WHERE r2."apiKeyId" = $1 GROUP BY o) x) AS hist
     FROM "DecisionRollup" WHERE "apiKeyId" = $1`,
    [apiKeyId],
  );
  return { decisions: d.rows[0].n, attempts: a.rows[0].n, rollup: r.rows[0] };
}

function expected(ds: DecisionRecord[]) {
  return {
    decisions: ds.length,
    attempts: ds.reduce((s, d) => s + d.attempts.length, 0),
    escalations: ds.reduce((s, d) => s + d.escalations, 0),
    tokensIn: ds.reduce((s, d) => s + d.tokensIn, 0),
  };
}

/** A TCP relay to Postgres that can be cut (existing connections destroyed, port closed) and restored. */
async function relay(target: string) {
  const t = new URL(target);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const start = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((c) => {
        const up = net.connect(Number(t.port || 5432), t.hostname);
        sockets.add(c).add(up);
        c.pipe(up).pipe(c);
        const end = () => (c.destroy(), up.destroy());
        c.on('error', end).on('close', end);
        up.on('error', end).on('close', end);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      sockets.clear();
      server!.close(() => resolve());
    });
  await start();
  const u = new URL(target);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return { url: u.toString(), start, stop };
}

describe('decision recorder', () => {
  it('writes decisions, attempts and hourly rollups (with latency histogram) in batches', async () => {
    const key = `k-${uuidv7()}`;
    const rec = createRecorder({ url, spoolDir: mkdtempSync(join(tmpdir(), 'spool-')), batchSize: 64, flushMs: 5 });
    const base = Date.UTC(2026, 10, 28, 9, 30);
    const ds = Array.from({ length: 300 }, (_, i) => decision(key, i, new Date(base + i * 30_000))); // spans 3 hours
    ds.forEach((d) => rec.record(d));
    await rec.close();
    const c = await counts(key);
    const e = expected(ds);
    expect(c.decisions).toBe(e.decisions);
    expect(c.attempts).toBe(e.attempts);
    expect(c.rollup.n).toBe(e.decisions);
    expect(c.rollup.esc).toBe(e.escalations);
    expect(c.rollup.tokens).toBe(e.tokensIn);
    expect(c.rollup.cost).toBeCloseTo(0.3, 9);
    expect(c.rollup.hist).toHaveLength(HIST_BUCKETS);
    expect(c.rollup.hist.reduce((a, b) => a + b, 0)).toBe(300);
    const p50 = histogramQuantile(c.rollup.hist, 0.5)!;
    expect(p50).toBeGreaterThan(250);
    expect(p50).toBeLessThan(450); // true median latency is 345 ms
    const buckets = await db.query(`SELECT DISTINCT bucket FROM "DecisionRollup" WHERE "apiKeyId" = $1`, [key]);
    expect(buckets.rowCount).toBe(3);
    expect(rec.stats()).toMatchObject({ written: 300, spooled: 0, rejected: 0, dropped: 0 });
  });

  it('stores a decision whose prompt, plan and attempts carry NUL characters', async () => {
    const key = `k-${uuidv7()}`;
    const rec = createRecorder({ url, spoolDir: mkdtempSync(join(tmpdir(), 'spool-')), log: () => undefined });
    const d = decision(key, 1, new Date());
    d.promptPreview = 'before\u0000after';
    d.plan = { reasons: ['rule matched "a\u0000b"'] };
    d.errorCode = 'x\u0000';
    d.attempts[0].detail = 'tier said \u0000';
    rec.record(d);
    await rec.close();
    const row = await db.query<{ promptPreview: string; plan: { reasons: string[] }; detail: string }>(
      `SELECT d."promptPreview", d.plan, a.detail FROM "Decision" d JOIN "DecisionAttempt" a ON a."decisionId" = d.id WHERE d."apiKeyId" = $1`,
      [key],
    );
    expect(row.rows).toEqual([{ promptPreview: 'before\ufffdafter', plan: { reasons: ['rule matched "a\ufffdb"'] }, detail: 'tier said \ufffd' }]);
    expect(rec.stats()).toMatchObject({ written: 1, rejected: 0 });
  });

  it('spools while Postgres is unreachable and replays every decision exactly once when it returns', async () => {
    const key = `k-${uuidv7()}`;
    const spoolDir = mkdtempSync(join(tmpdir(), 'spool-'));
    const r = await relay(url);
    // A generous connect timeout: the embedded test Postgres serves every test file through one backend.
    const rec = createRecorder({ url: r.url, spoolDir, batchSize: 50, flushMs: 5, retryMinMs: 20, retryMaxMs: 50, connectTimeoutMs: 60_000 });
    const ds = Array.from({ length: 400 }, (_, i) => decision(key, i, new Date()));
    ds.slice(0, 100).forEach((d) => rec.record(d));
    await rec.flush();
    expect((await counts(key)).decisions).toBe(100);

    await r.stop(); // outage: open connections cut, new ones refused
    ds.slice(100, 300).forEach((d) => rec.record(d));
    await rec.flush();
    expect(rec.stats().databaseUp).toBe(false);
    expect(rec.stats().spooled).toBe(200);
    expect(readdirSync(spoolDir).some((f) => f.endsWith('.jsonl'))).toBe(true);
    expect((await counts(key)).decisions).toBe(100);

    await r.start(); // back on the same port
    ds.slice(300).forEach((d) => rec.record(d));
    await rec.close(); // close makes one last attempt, replaying the spool first
    const c = await counts(key);
    const e = expected(ds);
    expect(c.decisions, JSON.stringify(rec.stats())).toBe(400);
    expect(c.attempts).toBe(e.attempts);
    expect(c.rollup.n).toBe(400);
    expect(c.rollup.tokens).toBe(e.tokensIn);
    // The 200 recorded during the outage were spooled (the last 100 too if they arrived while a
    // reconnection attempt was failing); everything spooled was replayed.
    const st = rec.stats();
    expect(st.spooled).toBeGreaterThanOrEqual(200);
    expect(st).toMatchObject({ replayed: st.spooled, duplicates: 0, rejected: 0, spoolPendingBatches: 0 });
    expect(readdirSync(spoolDir).filter((f) => f.startsWith('decisions-'))).toEqual([]);
    // Order: the spooled decisions were written before the ones recorded after the outage.
    const order = await db.query<{ id: string }>(`SELECT id FROM "Decision" WHERE "apiKeyId" = $1 ORDER BY xmin::text::bigint, id`, [key]);
    expect(order.rows.slice(0, 300).map((x) => x.id).sort()).toEqual(ds.slice(0, 300).map((d) => d.id).sort());
    await r.stop();
  });

  it.skipIf(process.env.TEST_DATABASE_EMBEDDED === '1')('a COPY whose answer comes after the query timeout spools the batch and the process lives on', async () => {
    const key = `k-${uuidv7()}`;
    const spoolDir = mkdtempSync(join(tmpdir(), 'spool-'));
    const r = await startTcpRelay(url);
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const rec = createRecorder({ url: r.url, spoolDir, concurrency: 1, flushMs: 5, retryMinMs: 20, retryMaxMs: 50, connectTimeoutMs: 60_000, queryTimeoutMs: 2000, log: () => undefined });
      const ds = Array.from({ length: 200 }, (_, i) => decision(key, i, new Date()));
      ds.slice(0, 100).forEach((d) => rec.record(d)); // the connection and its staging tables exist
      await rec.flush();
      // Postgres answers the next COPY late: after the read timeout gave up on it, while the
      // transaction's ROLLBACK still waits on the same connection.
      const held = r.holdRepliesAfter('COPY ');
      ds.slice(100).forEach((d) => rec.record(d));
      await held;
      await new Promise((resolve) => setTimeout(resolve, 2500)); // between the COPY's timeout (2 s) and the ROLLBACK's (4 s)
      r.releaseReplies();
      await rec.flush();
      expect(uncaught).toEqual([]);
      // The late batch was spooled; the flush may already have replayed it once Postgres answered
      // again (a replay counts as written too), or close() replays it below.
      const st = rec.stats();
      expect(st.spooled).toBe(100);
      expect(st.written - st.replayed).toBe(100);
      await rec.close();
      expect((await counts(key)).decisions).toBe(200);
      expect(rec.stats()).toMatchObject({ replayed: 100, rejected: 0, spoolPendingBatches: 0 });
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      await r.close();
    }
  });

  it.skipIf(process.env.TEST_DATABASE_EMBEDDED === '1')('a connection cut in the middle of a COPY spools the batch', async () => {
    const key = `k-${uuidv7()}`;
    const r = await startTcpRelay(url);
    try {
      const rec = createRecorder({ url: r.url, spoolDir: mkdtempSync(join(tmpdir(), 'spool-')), batchSize: 4000, concurrency: 1, flushMs: 5, retryMinMs: 20, retryMaxMs: 50, connectTimeoutMs: 60_000, log: () => undefined });
      // One batch of about 2 MB of COPY text; the relay cuts once 256 KB of it went through.
      const ds = Array.from({ length: 4000 }, (_, i) => ({ ...decision(key, i, new Date()), promptPreview: `p${i} `.padEnd(270, 'x') }));
      const cut = r.cutWhenSent(256 * 1024);
      ds.forEach((d) => rec.record(d));
      await cut;
      await rec.flush();
      expect(rec.stats()).toMatchObject({ databaseUp: false, spooled: 4000, written: 0 });
      await r.restore();
      await rec.close();
      expect((await counts(key)).decisions).toBe(4000);
      expect(rec.stats()).toMatchObject({ replayed: 4000, duplicates: 0, rejected: 0, spoolPendingBatches: 0 });
    } finally {
      await r.close();
    }
  });

  it('a spool left by an earlier process is replayed at start without double counting rows already written', async () => {
    const key = `k-${uuidv7()}`;
    const ds = Array.from({ length: 60 }, (_, i) => decision(key, i, new Date()));
    // The first 20 reached Postgres but their acknowledgement was lost, so they were spooled too.
    const first = createRecorder({ url, spoolDir: mkdtempSync(join(tmpdir(), 'spool-')) });
    ds.slice(0, 20).forEach((d) => first.record(d));
    await first.close();
    const spoolDir = mkdtempSync(join(tmpdir(), 'spool-'));
    const rows = ds.map((d) => normalizeDecision(d)!);
    // pid 2^22+1 is above Linux's pid_max default range, i.e. a process that is gone.
    writeFileSync(join(spoolDir, 'decisions-4194305.jsonl'), `${JSON.stringify(rows.slice(0, 40))}\n${JSON.stringify(rows.slice(40))}\n{"torn`);
    const rec = createRecorder({ url, spoolDir });
    await rec.close();
    const c = await counts(key);
    expect(c.decisions).toBe(60);
    expect(c.rollup.n).toBe(60);
    expect(c.attempts).toBe(expected(ds).attempts);
    expect(rec.stats()).toMatchObject({ replayed: 60, duplicates: 20, written: 40 });
    expect(readdirSync(spoolDir).filter((f) => f.startsWith('decisions-'))).toEqual([]);
  });

  it('repairs bad values, drops records without an id, and never lets one bad row block a batch', async () => {
    const key = `k-${uuidv7()}`;
    const spoolDir = mkdtempSync(join(tmpdir(), 'spool-'));
    const rec = createRecorder({ url, spoolDir, log: () => undefined });
    const good = decision(key, 1, new Date());
    const weird = { ...decision(key, 2, new Date()), latencyMs: NaN, tokensIn: 12.7, costUsd: -3, promptPreview: 'x'.repeat(1000), signals: undefined };
    rec.record(good);
    rec.record(weird);
    rec.record({ ...decision(key, 3, new Date()), id: 'not-a-uuid' });
    rec.record({ ...good }); // same id twice: stored and counted once
    await rec.close();
    const c = await counts(key);
    expect(c.decisions).toBe(2);
    expect(c.rollup.n).toBe(2);
    const w = await db.query(`SELECT "latencyMs", "tokensIn", "costUsd", length("promptPreview") AS len, signals FROM "Decision" WHERE id = $1`, [weird.id]);
    expect(w.rows[0]).toEqual({ latencyMs: 0, tokensIn: 13, costUsd: 0, len: 280, signals: null });
    expect(rec.stats()).toMatchObject({ dropped: 1, rejected: 0 });
  });
});
