// One batch of decisions -> Postgres in one transaction: decisions, their attempts and the rollup
// deltas (hourly, daily, attempt outcomes, judge verdicts: see upsertRollups). Two methods:
//  * 'copy' (default): COPY the batch into per-connection temporary staging tables, then one
//    statement moves it: INSERT INTO "Decision" SELECT ... ON CONFLICT DO NOTHING RETURNING id, and,
//    in the same statement, the attempts of exactly the returned ids. ~4x the rows/s of 'unnest'.
//  * 'unnest': INSERT ... SELECT FROM unnest($arrays) (one parameter per column), the first version,
//    kept for comparison in bench/ingest.bench.ts.
// Either way only decisions that were really inserted get attempts and count in the rollups (summed
// in JS, one upsert per batch), so a replay of a batch already (partly) written adds nothing — the
// spool relies on this.
import type pg from 'pg';
import { columns } from '../lib/columns';
import { copyIn, copyLine } from './copy-text';
import type { StoredDecision } from './normalize';
import { attemptDeltas, dailyDeltas, judgeDeltas, rollupDeltas, type RollupDelta } from './rollup';

export type WriteMethod = 'copy' | 'unnest';

// uuid and jsonb travel as text[] and are cast per element: binding a uuid[] or jsonb[] parameter
// costs several times more than text[] plus a cast (measured: 2,000 jsonb values 175 ms vs 56 ms).
const DECISION_SQL = `INSERT INTO "Decision" ("id","createdAt","principalId","apiKeyId","source","door","promptHash","promptPreview","band","score","probs","signals","policyVersion","plan","finalTier","cacheStatus","tokensIn","tokensOut","costUsd","baselineCostUsd","latencyMs","ttftMs","status","errorCode","escalations")
SELECT c1::uuid, c2, c3, c4, c5, c25, c6, c7, c8, c9, c10::jsonb, c11::jsonb, c12, c13::jsonb, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23, c24
FROM unnest($1::text[],$2::timestamptz[],$3::text[],$4::text[],$5::text[],$6::text[],$7::text[],$8::text[],$9::float8[],$10::text[],$11::text[],$12::int[],$13::text[],$14::text[],$15::text[],$16::int[],$17::int[],$18::float8[],$19::float8[],$20::int[],$21::int[],$22::text[],$23::text[],$24::int[],$25::text[])
  AS u(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19, c20, c21, c22, c23, c24, c25)
ON CONFLICT DO NOTHING RETURNING "id"`;

const ATTEMPT_SQL = `INSERT INTO "DecisionAttempt" ("decisionId","seq","createdAt","tierId","tierName","step","startedAt","latencyMs","ttftMs","queueMs","tokensIn","tokensOut","costUsd","outcome","detail")
SELECT c1::uuid, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15
FROM unnest($1::text[],$2::int[],$3::timestamptz[],$4::text[],$5::text[],$6::text[],$7::timestamptz[],$8::int[],$9::int[],$10::int[],$11::int[],$12::int[],$13::float8[],$14::text[],$15::text[])
  AS u(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15)
ON CONFLICT DO NOTHING`;

// Hourly and daily rollups share columns, key and merge rule; only the table differs.
const rollupSql = (table: '"DecisionRollup"' | '"DecisionRollupDaily"') => `INSERT INTO ${table} AS r ("bucket","apiKeyId","tier","band","policyVersion","cacheStatus","status","count","costUsd","baselineCostUsd","tokensIn","tokensOut","latencySumMs","ttftSumMs","ttftCount","escalations","latencyHist")
SELECT b, a, t, bd, p, c, s, n, cost, base, ti, tou, ls, ts, tc, e, h::int[]
FROM unnest($1::timestamptz[],$2::text[],$3::text[],$4::text[],$5::int[],$6::text[],$7::text[],$8::int[],$9::float8[],$10::float8[],$11::float8[],$12::float8[],$13::float8[],$14::float8[],$15::int[],$16::int[],$17::text[])
  AS u(b, a, t, bd, p, c, s, n, cost, base, ti, tou, ls, ts, tc, e, h)
ON CONFLICT ("bucket","apiKeyId","tier","band","policyVersion","cacheStatus","status") DO UPDATE SET
  "count" = r."count" + EXCLUDED."count",
  "costUsd" = r."costUsd" + EXCLUDED."costUsd",
  "baselineCostUsd" = r."baselineCostUsd" + EXCLUDED."baselineCostUsd",
  "tokensIn" = r."tokensIn" + EXCLUDED."tokensIn",
  "tokensOut" = r."tokensOut" + EXCLUDED."tokensOut",
  "latencySumMs" = r."latencySumMs" + EXCLUDED."latencySumMs",
  "ttftSumMs" = r."ttftSumMs" + EXCLUDED."ttftSumMs",
  "ttftCount" = r."ttftCount" + EXCLUDED."ttftCount",
  "escalations" = r."escalations" + EXCLUDED."escalations",
  "latencyHist" = ARRAY(SELECT coalesce(x, 0) + coalesce(y, 0)
    FROM unnest(r."latencyHist", EXCLUDED."latencyHist") WITH ORDINALITY AS z(x, y, o) ORDER BY o)`;
const HOURLY_SQL = rollupSql('"DecisionRollup"');
const DAILY_SQL = rollupSql('"DecisionRollupDaily"');

const ATTEMPT_ROLLUP_SQL = `INSERT INTO "AttemptRollup" AS r ("bucket","tier","outcome","count")
SELECT * FROM unnest($1::timestamptz[],$2::text[],$3::text[],$4::int[])
ON CONFLICT ("bucket","tier","outcome") DO UPDATE SET "count" = r."count" + EXCLUDED."count"`;

// Only decisions the policy keeps for training carry a sample (none by default): one more statement
// in the batch's transaction, skipped when no decision of the batch has one.
const TRAINING_SQL = `INSERT INTO "TrainingSample" ("decisionId","createdAt","apiKeyId","band","finalTier","finalTarget","complexityModel","complexity","answers","text")
SELECT c1::uuid, c2, c3, c4, c5, c6, c7, c8::jsonb, c9::jsonb, c10::jsonb
FROM unnest($1::text[],$2::timestamptz[],$3::text[],$4::text[],$5::text[],$6::text[],$7::text[],$8::text[],$9::text[],$10::text[])
  AS u(c1, c2, c3, c4, c5, c6, c7, c8, c9, c10)
ON CONFLICT DO NOTHING`;

const JUDGE_ROLLUP_SQL = `INSERT INTO "JudgeRollup" AS r ("bucket","judge","tier","outcome","count")
SELECT * FROM unnest($1::timestamptz[],$2::text[],$3::text[],$4::text[],$5::int[])
ON CONFLICT ("bucket","judge","tier","outcome") DO UPDATE SET "count" = r."count" + EXCLUDED."count"`;


const DECISION_COLUMNS = ['id', 'createdAt', 'principalId', 'apiKeyId', 'source', 'door', 'promptHash', 'promptPreview', 'band', 'score', 'probs', 'signals', 'policyVersion', 'plan', 'finalTier', 'cacheStatus', 'tokensIn', 'tokensOut', 'costUsd', 'baselineCostUsd', 'latencyMs', 'ttftMs', 'status', 'errorCode', 'escalations'];
const ATTEMPT_COLUMNS = ['decisionId', 'seq', 'createdAt', 'tierId', 'tierName', 'step', 'startedAt', 'latencyMs', 'ttftMs', 'queueMs', 'tokensIn', 'tokensOut', 'costUsd', 'outcome', 'detail'];
const list = (cols: string[], prefix = '') => cols.map((c) => `${prefix}"${c}"`).join(',');
/** COPY targets with explicit columns, in the order batchCopyText() writes them. */
export const DECISION_COPY_TARGET = `"Decision" (${list(DECISION_COLUMNS)})`;
export const ATTEMPT_COPY_TARGET = `"DecisionAttempt" (${list(ATTEMPT_COLUMNS)})`;

// Temporary tables are private to the connection and not WAL-logged; ON COMMIT DELETE ROWS empties
// them at the end of every batch (a rolled-back batch leaves nothing either). Created once per
// connection, outside any transaction, so a rollback cannot drop them behind our back.
const STAGE_SQL = `CREATE TEMP TABLE IF NOT EXISTS cascade_decision_stage (LIKE "Decision") ON COMMIT DELETE ROWS;
CREATE TEMP TABLE IF NOT EXISTS cascade_attempt_stage (LIKE "DecisionAttempt") ON COMMIT DELETE ROWS`;
const staged = new WeakSet<pg.ClientBase>();

// Attempts of duplicate ids are not moved: the join is on the ids this very INSERT returned.
const MOVE_SQL = `WITH ins AS (
  INSERT INTO "Decision" (${list(DECISION_COLUMNS)}) SELECT ${list(DECISION_COLUMNS)} FROM cascade_decision_stage
  ON CONFLICT DO NOTHING RETURNING "id"
), att AS (
  INSERT INTO "DecisionAttempt" (${list(ATTEMPT_COLUMNS)})
  SELECT ${list(ATTEMPT_COLUMNS, 'a.')} FROM cascade_attempt_stage a WHERE a."decisionId" IN (SELECT "id" FROM ins)
  ON CONFLICT DO NOTHING
) SELECT "id" FROM ins`;

function decisionLine(d: StoredDecision): string {
  return copyLine([
    d.id, d.createdAt, d.principalId, d.apiKeyId, d.source, d.door ?? null, d.promptHash, d.promptPreview, d.band, d.score,
    d.probs, d.signals, d.policyVersion, d.plan, d.finalTier, d.cacheStatus, d.tokensIn, d.tokensOut,
    d.costUsd, d.baselineCostUsd, d.latencyMs, d.ttftMs, d.status, d.errorCode, d.escalations,
  ]);
}

function attemptLines(d: StoredDecision): string {
  let out = '';
  for (const a of d.attempts) {
    out += copyLine([
      d.id, a.seq, d.createdAt, a.tierId, a.tierName, a.step, a.startedAt, a.latencyMs, a.ttftMs, a.queueMs,
      a.tokensIn, a.tokensOut, a.costUsd, a.outcome, a.detail,
    ]);
  }
  return out;
}

/** COPY text of a batch's decisions and attempts (also used by seed-demo to write straight into the tables). */
export function batchCopyText(batch: readonly StoredDecision[]): { decisions: string; attempts: string } {
  const decisions: string[] = [];
  const attempts: string[] = [];
  for (const d of batch) {
    decisions.push(decisionLine(d));
    if (d.attempts.length > 0) attempts.push(attemptLines(d));
  }
  return { decisions: decisions.join(''), attempts: attempts.join('') };
}

const rollupParams = (deltas: readonly RollupDelta[]) =>
  columns(deltas, (r) => [
    r.bucket, r.apiKeyId, r.tier, r.band, r.policyVersion, r.cacheStatus, r.status, r.count, r.costUsd,
    r.baselineCostUsd, r.tokensIn, r.tokensOut, r.latencySumMs, r.ttftSumMs, r.ttftCount, r.escalations,
    `{${r.latencyHist.join(',')}}`,
  ]);

/**
 * Hourly, daily, attempt and judge-verdict rollup deltas of the decisions just inserted, inside the caller's
 * transaction. Always in this table order and key order within a table, so concurrent writers
 * queue on row locks instead of deadlocking.
 */
export async function upsertRollups(client: pg.ClientBase, fresh: readonly StoredDecision[]): Promise<void> {
  const hourly = rollupDeltas(fresh);
  if (hourly.length === 0) return;
  await client.query(HOURLY_SQL, rollupParams(hourly));
  await client.query(DAILY_SQL, rollupParams(dailyDeltas(hourly)));
  const attempts = attemptDeltas(fresh);
  if (attempts.length > 0) await client.query(ATTEMPT_ROLLUP_SQL, columns(attempts, (a) => [a.bucket, a.tier, a.outcome, a.count]));
  const verdicts = judgeDeltas(fresh);
  if (verdicts.length > 0) await client.query(JUDGE_ROLLUP_SQL, columns(verdicts, (v) => [v.bucket, v.judge, v.tier, v.outcome, v.count]));
}

/** The training samples of the decisions just inserted, inside the caller's transaction. */
export async function insertTraining(client: pg.ClientBase, fresh: readonly StoredDecision[]): Promise<void> {
  const kept = fresh.filter((d) => d.training);
  if (kept.length === 0) return;
  await client.query(
    TRAINING_SQL,
    columns(kept, (d) => {
      const t = d.training!;
      return [d.id, d.createdAt, d.apiKeyId, d.band, d.finalTier, t.finalTarget, t.complexityModel, t.complexity, t.answers, t.text];
    }),
  );
}

/** Writes one batch in one transaction; returns how many decisions were new. */
export async function writeBatch(client: pg.ClientBase, batch: readonly StoredDecision[], method: WriteMethod = 'copy'): Promise<number> {
  if (batch.length === 0) return 0;
  if (method === 'unnest') return writeBatchUnnest(client, batch);
  if (!staged.has(client)) {
    await client.query(STAGE_SQL);
    staged.add(client);
  }
  const text = batchCopyText(batch);
  return inTransaction(client, async () => {
    await copyIn(client, `cascade_decision_stage (${list(DECISION_COLUMNS)})`, text.decisions);
    if (text.attempts.length > 0) await copyIn(client, `cascade_attempt_stage (${list(ATTEMPT_COLUMNS)})`, text.attempts);
    return freshOf(batch, (await client.query<{ id: string }>(MOVE_SQL)).rows);
  });
}

/**
 * Runs a batch's inserts in one transaction with its rollups: `insert` returns the decisions that
 * were new (a replayed batch inserts nothing twice), and only those are counted in the rollups.
 */
async function inTransaction(client: pg.ClientBase, insert: () => Promise<StoredDecision[]>): Promise<number> {
  await client.query('BEGIN');
  try {
    const fresh = await insert();
    await insertTraining(client, fresh);
    await upsertRollups(client, fresh);
    await client.query('COMMIT');
    return fresh.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** The batch's decisions whose id came back from the insert: a repeated id inside one batch is counted once. */
function freshOf(batch: readonly StoredDecision[], rows: { id: string }[]): StoredDecision[] {
  const inserted = new Set(rows.map((r) => r.id));
  return batch.filter((d) => inserted.delete(d.id));
}

async function writeBatchUnnest(client: pg.ClientBase, batch: readonly StoredDecision[]): Promise<number> {
  return inTransaction(client, async () => {
    const res = await client.query<{ id: string }>(
      DECISION_SQL,
      columns(batch, (d) => [
        d.id, d.createdAt, d.principalId, d.apiKeyId, d.source, d.promptHash, d.promptPreview, d.band, d.score,
        d.probs, d.signals, d.policyVersion, d.plan, d.finalTier, d.cacheStatus, d.tokensIn, d.tokensOut,
        d.costUsd, d.baselineCostUsd, d.latencyMs, d.ttftMs, d.status, d.errorCode, d.escalations, d.door ?? null,
      ]),
    );
    const fresh = freshOf(batch, res.rows);
    const attempts = fresh.flatMap((d) => d.attempts.map((a) => ({ d, a })));
    if (attempts.length > 0) {
      await client.query(
        ATTEMPT_SQL,
        columns(attempts, ({ d, a }) => [
          d.id, a.seq, d.createdAt, a.tierId, a.tierName, a.step, a.startedAt, a.latencyMs, a.ttftMs, a.queueMs,
          a.tokensIn, a.tokensOut, a.costUsd, a.outcome, a.detail,
        ]),
      );
    }
    return fresh;
  });
}
