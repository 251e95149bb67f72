// The policy editor's what-if preview: load the newest N decisions (answering attempt + ratings
// joined by key) and replay them with decide() under a draft that moves t1, as policy.whatIf does.
// A fresh database on the TEST_DATABASE_URL server (dropped afterwards) holds 50,000 decisions of
// the last 7 days with attempts (10 % escalated), ratings on 15 % and success rollups. The box is
// shared: CPU per replay (this process, and the Postgres backend of the bench connection read from
// /proc) is the load-independent figure; wall-clock times are quoted with the load average.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { defaultPolicy } from '../server/routing/policy';
import { loadReplayDecisions, type Sql } from '../server/whatif/load';
import { replayWhatIf } from '../server/whatif/replay';
import { benchDatabase } from './lib/database';
import type { BenchRow } from './index';

const DECISIONS = 50_000;
const RUNS = 7;
const SIZES = [1_000, 10_000];

function cpuSecondsOf(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return Number.NaN; // remote Postgres
  }
}

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function fill(c: pg.Client): Promise<void> {
  // Plans as decide() writes them for the default policy (t1 0.3, t2 0.55, t3 0.8, research off here).
  await c.query(
    `INSERT INTO "Decision" (id, "createdAt", "apiKeyId", source, "promptHash", "promptPreview", band, score, "policyVersion", plan, "finalTier",
        "cacheStatus", "tokensIn", "tokensOut", "costUsd", "baselineCostUsd", "latencyMs", status, escalations)
     SELECT gen_random_uuid(), now() - (i * interval '12 seconds'), NULL, 'api', md5(i::text), 'bench prompt ' || i,
            CASE WHEN s < 0.3 THEN 'simple' WHEN s < 0.55 THEN 'moderate' WHEN s < 0.8 THEN 'complex' ELSE 'research' END, s, 1,
            json_build_object('kind', 'cascade', 'target', t, 'scoredTarget', t, 'chain',
              CASE t WHEN 'small' THEN json_build_array('small', 'medium', 'large') WHEN 'medium' THEN json_build_array('medium', 'large') ELSE json_build_array('large') END,
              'reasons', json_build_array('score maps to ' || t)),
            CASE WHEN esc AND t = 'small' THEN 'medium' WHEN esc AND t = 'medium' THEN 'large' ELSE t END,
            'miss', 400, 200, 0.0001, 0.004, 500, 'ok', CASE WHEN esc AND t <> 'large' THEN 1 ELSE 0 END
       FROM (SELECT i, random() AS s, random() < 0.1 AS esc FROM generate_series(1, $1) AS i) x,
            LATERAL (SELECT CASE WHEN x.s < 0.3 THEN 'small' WHEN x.s < 0.55 THEN 'medium' ELSE 'large' END AS t) y`,
    [DECISIONS],
  );
  await c.query(
    `INSERT INTO "DecisionAttempt" ("decisionId", seq, "createdAt", "tierId", "tierName", step, "startedAt", "latencyMs", "queueMs", "tokensIn", "tokensOut", "costUsd", outcome)
     SELECT id, 0, "createdAt", "finalTier", "finalTier", 'answer', "createdAt", 500, 0, 400, 200, 0.0001, 'ok' FROM "Decision"`,
  );
  await c.query(
    `INSERT INTO "Feedback" (id, "decisionId", "decisionCreatedAt", "raterId", rating, kind)
     SELECT gen_random_uuid()::text, id, "createdAt", 'bench', CASE WHEN random() < 0.8 THEN 1 ELSE -1 END, 'explicit' FROM "Decision" WHERE random() < 0.15`,
  );
  await c.query(
    `INSERT INTO "FeedbackRollup" (day, tier, band, "policyVersion", "cacheStatus", ratings, up)
     SELECT current_date, t, b, 1, 'miss', 200, 150 FROM unnest(ARRAY['small', 'medium', 'large']) t, unnest(ARRAY['simple', 'moderate', 'complex', 'research']) b`,
  );
  await c.query('ANALYZE');
}

export default {
  name: 'whatif',
  async run() {
    const db = await benchDatabase();
    if (!db.url) throw new Error('the what-if bench needs TEST_DATABASE_URL (a Postgres server to create its database on)');
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const rows: BenchRow[] = [];
    try {
      await fill(c);
      const backend = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const sql: Sql = async (text, params) => (await c.query(text, params)).rows;
      const tiers = [
        { name: 'small', enabled: true, inputPricePerM: 0.1, outputPricePerM: 0.2 },
        { name: 'medium', enabled: true, inputPricePerM: 0.6, outputPricePerM: 1.2 },
        { name: 'large', enabled: true, inputPricePerM: 3, outputPricePerM: 15 },
      ];
      const success = (await sql<{ tier: string; band: string; up: number; ratings: number }>(`SELECT tier, band, up, ratings FROM "FeedbackRollup"`, [])).map((r) => ({ tier: r.tier, band: r.band, up: r.up, n: r.ratings }));
      const draft = { ...defaultPolicy(), thresholds: { t1: 0.2, t2: 0.55, t3: 0.8 } };
      for (const n of SIZES) {
        await loadReplayDecisions(sql, { limit: n }); // warm
        const load: number[] = [];
        const replay: number[] = [];
        let nodeCpu = 0;
        let replayCpu = 0;
        let pgCpu = 0;
        let changed = 0;
        for (let i = 0; i < RUNS; i++) {
          const pg0 = cpuSecondsOf(backend);
          const cpu0 = process.cpuUsage();
          const t0 = performance.now();
          const decisions = await loadReplayDecisions(sql, { limit: n });
          const t1 = performance.now();
          const rc0 = process.cpuUsage();
          const r = replayWhatIf({ decisions, draft, tiers, success });
          const rc = process.cpuUsage(rc0);
          replayCpu += (rc.user + rc.system) / 1000;
          const t2 = performance.now();
          const cpu = process.cpuUsage(cpu0);
          nodeCpu += (cpu.user + cpu.system) / 1000;
          pgCpu += (cpuSecondsOf(backend) - pg0) * 1000;
          load.push(t1 - t0);
          replay.push(t2 - t1);
          changed = r.changed;
        }
        rows.push({
          decisions: n,
          'load p50 ms': pct(load, 0.5),
          'load p95 ms': pct(load, 0.95),
          'replay p50 ms': pct(replay, 0.5),
          'replay p95 ms': pct(replay, 0.95),
          'node cpu ms/run': nodeCpu / RUNS,
          'replay cpu ms/run': replayCpu / RUNS,
          'pg cpu ms/run': pgCpu / RUNS,
          changed,
          'load avg 1m': Number(loadavg()[0].toFixed(2)),
        });
      }
    } finally {
      await c.end();
      await db.drop();
    }
    return { rows, summary: { decisionsInDb: DECISIONS, runs: RUNS } };
  },
};
