// Sustained decision ingest into Postgres (DATABASE_URL, else TEST_DATABASE_URL, else an in-memory
// embedded PGlite): decisions/s including attempts and hourly rollups, and the request-path cost
// of record(), which must stay in microseconds because it never waits for the database.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startEmbeddedPostgres } from '../server/db/embedded';
import { migrate } from '../server/db/migrate';
import { uuidv7 } from '../server/decisions/ids';
import { createRecorder } from '../server/decisions/recorder';
import type { WriteMethod } from '../server/decisions/writer';
import type { DecisionRecord } from '../server/decisions/types';
import { env } from '../server/env';
import type { BenchRow } from './index';

const BANDS = ['simple', 'moderate', 'complex', 'research'] as const;
const TIERS = ['small', 'medium', 'large'];

function make(i: number, at: Date): DecisionRecord {
  const escalated = i % 7 === 0;
  const attempt = (seq: number, tier: string) => ({
    seq, tierId: `t-${tier}`, tierName: tier, step: 'answer', startedAt: at, latencyMs: 200 + (i % 300), ttftMs: 60,
    queueMs: 2, tokensIn: 300, tokensOut: 120, costUsd: 0.0004, outcome: 'ok' as const, detail: null,
  });
  return {
    id: uuidv7(), createdAt: at, principalId: `u-${i % 50}`, apiKeyId: `key-${i % 20}`, source: 'api',
    promptHash: (i * 2654435761).toString(16).padStart(64, '0').slice(-64),
    promptPreview: `Explain the difference between a ${i % 97} and a ${i % 89} in the context of invoice reconciliation for a small business`,
    band: BANDS[i % 4], score: (i % 100) / 100, probs: { simple: 0.4, moderate: 0.3, complex: 0.2, research: 0.1 },
    signals: { keywords: ['finance'], lengthBucket: 'short', tokens: 24, hasCode: false }, policyVersion: 1,
    plan: { targets: ['small', 'large'] }, finalTier: TIERS[i % 3], cacheStatus: i % 10 === 0 ? 'exact' : 'miss',
    tokensIn: 300, tokensOut: 120, costUsd: 0.0004, baselineCostUsd: 0.004, latencyMs: 200 + (i % 900),
    ttftMs: 60 + (i % 40), status: 'ok', errorCode: null, escalations: escalated ? 1 : 0,
    attempts: escalated ? [attempt(0, 'small'), attempt(1, 'large')] : [attempt(0, TIERS[i % 3])],
  };
}

async function target(): Promise<{ url: string; label: string; stop(): Promise<void> }> {
  const e = env();
  const url = e.DATABASE_URL ?? e.TEST_DATABASE_URL;
  if (url) return { url, label: new URL(url).host, stop: async () => {} };
  const db = await startEmbeddedPostgres({ dataDir: null, maxConnections: 16 });
  return { url: db.url, label: 'embedded PGlite (in memory)', stop: db.stop };
}

// The machine is shared and loaded, so wall-clock rates say more about the neighbours than about
// the writer. CPU time spent per decision (this process + the recorder's own Postgres backends,
// found by application_name and read from /proc) is the load-independent figure.
function backendCpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14, 15)
    } catch {
      // not on this machine (remote Postgres) or already gone
    }
  }
  return ticks / 100; // USER_HZ
}

function withAppName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

async function run(): Promise<{ rows: BenchRow[]; summary: Record<string, unknown> }> {
  const t = await target();
  await migrate(t.url);
  const rows: BenchRow[] = [];
  const n = 200_000;
  // Before/after in one run: the first writer (INSERT ... unnest) and COPY through staging tables.
  const runs: { method: WriteMethod; batchSize: number }[] = [
    { method: 'unnest', batchSize: 2000 },
    { method: 'copy', batchSize: 2000 },
    { method: 'copy', batchSize: 5000 },
  ];
  for (const { method, batchSize } of runs) {
    const app = `bench-ingest-${process.pid}-${method}-${batchSize}`;
    const rec = createRecorder({ url: withAppName(t.url, app), spoolDir: mkdtempSync(join(tmpdir(), 'bench-spool-')), batchSize, flushMs: 20, method });
    const now = new Date();
    const decisions = Array.from({ length: n }, (_, i) => make(i, now));
    // Offered in slices of 1,000 every 5 ms (nominally 200,000/s, so the writer, not the offer, is
    // the limit), measuring every record() call.
    const costs: number[] = [];
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < n; ) {
      const sliceEnd = Math.min(n, i + 1000);
      for (; i < sliceEnd; i++) {
        const c0 = performance.now();
        rec.record(decisions[i]);
        costs.push(performance.now() - c0);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const offeredSeconds = (performance.now() - started) / 1000;
    await rec.flush();
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const probe = new pg.Client({ connectionString: t.url });
    await probe.connect();
    const pids = (await probe.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [app])).rows.map((r) => r.pid);
    await probe.end();
    const pgCpu = backendCpuSeconds(pids);
    const nodeCpu = (cpu.user + cpu.system) / 1e6;
    const s = rec.stats();
    await rec.close();
    costs.sort((a, b) => a - b);
    const q = (p: number) => costs[Math.min(costs.length - 1, Math.floor(p * costs.length))] * 1000;
    rows.push({
      database: t.label, method, batchSize, decisions: n, attempts: decisions.reduce((x, d) => x + d.attempts.length, 0),
      'offered/s': Math.round(n / offeredSeconds), seconds, 'decisions/s': Math.round(s.written / seconds), 'record p50 us': q(0.5), 'record p99 us': q(0.99),
      'node cpu us/decision': (nodeCpu / n) * 1e6, 'pg cpu us/decision': pids.length ? (pgCpu / n) * 1e6 : null,
      'decisions per cpu-s': pids.length ? Math.round(n / (nodeCpu + pgCpu)) : null,
      'record max us': costs[costs.length - 1] * 1000, spooled: s.spooled, rejected: s.rejected,
    });
  }
  const pool = new pg.Pool({ connectionString: t.url, max: 1 });
  const size = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM "Decision"`);
  await pool.end();
  await t.stop();
  return { rows, summary: { goalDecisionsPerSecond: 20_000, decisionsInTable: Number(size.rows[0].n) } };
}

export default { name: 'ingest', run };
