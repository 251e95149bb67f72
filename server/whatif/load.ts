// Reads what the what-if preview replays: the newest N decisions with the tokens of their answering
// attempt and their explicit ratings. Two index lookups per decision (DecisionAttempt and Feedback
// by decision id), never a scan: the newest N come from the ("createdAt" DESC, id DESC) index.
import type { JudgedAttempt, JudgedDecision, ReplayDecision } from './types';

/** Anything that runs parameterised SQL (a pg Pool, or Prisma's $queryRawUnsafe). */
export type Sql = <T>(text: string, params: unknown[]) => Promise<T[]>;

export const MIN_REPLAY = 100;
export const MAX_REPLAY = 10_000;

interface Row {
  id: string;
  createdAt: Date;
  apiKeyId: string | null;
  promptPreview: string;
  score: number | null;
  band: string | null;
  plan: unknown;
  finalTier: string | null;
  cacheStatus: string;
  status: string;
  costUsd: number;
  tokensIn: number;
  tokensOut: number;
  answer_in: number | null;
  answer_out: number | null;
  up: number;
  down: number;
}

export async function loadReplayDecisions(sql: Sql, opts: { limit: number; apiKeyId?: string | null }): Promise<ReplayDecision[]> {
  const limit = Math.max(1, Math.min(MAX_REPLAY, Math.floor(opts.limit)));
  const params: unknown[] = [limit];
  // Embedding requests are not routed by the policy: nothing to replay.
  let where = `WHERE "door" IS DISTINCT FROM 'embeddings'`;
  if (opts.apiKeyId) {
    params.push(opts.apiKeyId);
    where += ` AND "apiKeyId" = $2`;
  }
  const rows = await sql<Row>(
    `SELECT d.id::text AS id, d."createdAt", d."apiKeyId", d."promptPreview", d.score, d.band, d.plan, d."finalTier", d."cacheStatus",
            d.status, d."costUsd", d."tokensIn", d."tokensOut", a."tokensIn" AS answer_in, a."tokensOut" AS answer_out,
            coalesce(f.up, 0)::int AS up, coalesce(f.down, 0)::int AS down
       FROM (SELECT id, "createdAt", "apiKeyId", "promptPreview", score, band, plan, "finalTier", "cacheStatus", status, "costUsd", "tokensIn", "tokensOut"
               FROM "Decision" ${where} ORDER BY "createdAt" DESC, id DESC LIMIT $1) d
       LEFT JOIN LATERAL (
         SELECT x."tokensIn", x."tokensOut" FROM "DecisionAttempt" x
          WHERE x."decisionId" = d.id AND x."createdAt" = d."createdAt" AND x.step IN ('answer', 'synthesize')
          ORDER BY x.seq DESC LIMIT 1) a ON true
       LEFT JOIN LATERAL (
         SELECT count(*) FILTER (WHERE r.rating > 0) AS up, count(*) FILTER (WHERE r.rating < 0) AS down FROM "Feedback" r
          WHERE r."decisionId" = d.id AND r."decisionCreatedAt" = d."createdAt" AND r.kind = 'explicit') f ON true
      ORDER BY d."createdAt" DESC, d.id DESC`,
    params,
  );
  return rows.map(toReplayDecision);
}

/** Pure: a SQL row to the replay's shape (numbers from pg may arrive as strings). */
export function toReplayDecision(r: Row): ReplayDecision {
  const n = (v: unknown) => (Number.isFinite(Number(v)) ? Number(v) : 0);
  // Without attempt rows (e.g. bulk-seeded decisions) the decision's totals are the best we have.
  const hasAnswer = r.answer_in !== null && r.answer_in !== undefined;
  return {
    id: r.id,
    createdAt: new Date(r.createdAt),
    apiKeyId: r.apiKeyId,
    promptPreview: r.promptPreview,
    score: r.score === null ? null : Number(r.score),
    band: r.band,
    plan: r.plan,
    finalTier: r.finalTier,
    cacheStatus: r.cacheStatus,
    status: r.status,
    costUsd: n(r.costUsd),
    answerTokensIn: n(hasAnswer ? r.answer_in : r.tokensIn),
    answerTokensOut: n(hasAnswer ? r.answer_out : r.tokensOut),
    ratingsUp: n(r.up),
    ratingsDown: n(r.down),
  };
}

/**
 * The attempts of the decisions that ran the answer-side cascade (their plan has judging), for the
 * judge-score replay (judging.ts): one primary-key lookup per decision.
 */
export async function loadJudgedDecisions(sql: Sql, decisions: readonly ReplayDecision[]): Promise<JudgedDecision[]> {
  const judged = decisions.filter((d) => d.plan !== null && typeof d.plan === 'object' && 'judging' in (d.plan as object));
  if (judged.length === 0) return [];
  const rows = await sql<JudgedAttempt & { id: string }>(
    `SELECT x."decisionId"::text AS id, x.seq, x."tierName" AS tier, x.step, x.outcome, x.detail, x."costUsd", x."tokensIn", x."tokensOut"
       FROM unnest($1::uuid[], $2::timestamptz[]) AS k(id, at)
       JOIN "DecisionAttempt" x ON x."decisionId" = k.id AND x."createdAt" = k.at
      ORDER BY x."decisionId", x.seq`,
    [judged.map((d) => d.id), judged.map((d) => d.createdAt)],
  );
  const by = new Map<string, JudgedAttempt[]>();
  for (const r of rows) {
    const list = by.get(r.id) ?? [];
    list.push({ seq: Number(r.seq), tier: r.tier, step: r.step, outcome: r.outcome, detail: r.detail, costUsd: Number(r.costUsd), tokensIn: Number(r.tokensIn), tokensOut: Number(r.tokensOut) });
    by.set(r.id, list);
  }
  return judged.map((d) => ({ id: d.id, plan: d.plan, costUsd: d.costUsd, ratingsUp: d.ratingsUp, ratingsDown: d.ratingsDown, finalTier: d.finalTier, attempts: by.get(d.id) ?? [] }));
}
