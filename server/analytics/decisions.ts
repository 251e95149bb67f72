// Decision explorer queries: keyset-paginated list with filters and text search over the prompt
// preview (trigram index), one decision in full, and the counterfactual cost on every tier.
import type { Sql } from './queries';
import { decodeCursor, encodeCursor, type DecisionListInput } from './filters';

export interface DecisionRow {
  id: string;
  createdAt: Date;
  apiKeyId: string | null;
  source: string;
  /** The API shape the request came in (chat.completions, responses, messages); null for console calls. */
  door: string | null;
  promptPreview: string;
  band: string | null;
  score: number | null;
  policyVersion: number | null;
  finalTier: string | null;
  cacheStatus: string;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  baselineCostUsd: number;
  latencyMs: number;
  ttftMs: number | null;
  status: string;
  errorCode: string | null;
  escalations: number;
}

const COLS = `id::text AS id, "createdAt", "apiKeyId", source, door, "promptPreview", band, score, "policyVersion", "finalTier", "cacheStatus",
  "tokensIn", "tokensOut", "costUsd", "baselineCostUsd", "latencyMs", "ttftMs", status, "errorCode", escalations`;

/** Escapes LIKE wildcards so a search for "50%" finds the text "50%". */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listDecisions(sql: Sql, f: DecisionListInput): Promise<{ rows: DecisionRow[]; next: string | null; prev: string | null }> {
  const p: unknown[] = [];
  const parts: string[] = [];
  const add = (expr: (n: string) => string, v: unknown) => {
    p.push(v);
    parts.push(expr(`$${p.length}`));
  };
  if (f.from) add((n) => `"createdAt" >= ${n}`, f.from);
  if (f.to) add((n) => `"createdAt" < ${n}`, f.to);
  if (f.apiKeyId) add((n) => `"apiKeyId" = ${n}`, f.apiKeyId);
  if (f.tier) add((n) => `"finalTier" = ${n}`, f.tier);
  if (f.band) add((n) => `band = ${n}`, f.band);
  if (f.status) add((n) => `status = ${n}`, f.status);
  if (f.cacheStatus) add((n) => `"cacheStatus" = ${n}`, f.cacheStatus);
  if (f.door) add((n) => `door = ${n}`, f.door);
  if (f.q) add((n) => `"promptPreview" ILIKE ${n}`, likePattern(f.q));
  const before = decodeCursor(f.before);
  const after = before ? null : decodeCursor(f.after);
  if (after) {
    p.push(after.at, after.id);
    parts.push(`("createdAt", id) < ($${p.length - 1}, $${p.length}::uuid)`);
  } else if (before) {
    p.push(before.at, before.id);
    parts.push(`("createdAt", id) > ($${p.length - 1}, $${p.length}::uuid)`);
  }
  const order = before ? 'ASC' : 'DESC';
  p.push(f.pageSize + 1);
  const rows = await sql<DecisionRow>(
    `SELECT ${COLS} FROM "Decision" ${parts.length ? `WHERE ${parts.join(' AND ')}` : ''}
      ORDER BY "createdAt" ${order}, id ${order} LIMIT $${p.length}`,
    p,
  );
  const more = rows.length > f.pageSize;
  const page = rows.slice(0, f.pageSize).map(normalize);
  if (before) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  // Going back: there is always a newer page (the one we came from); forwards: only if we got more.
  const hasNext = before ? true : more;
  const hasPrev = before ? more : !!after;
  return {
    rows: page,
    next: hasNext && last ? encodeCursor(last.createdAt, last.id) : null,
    prev: hasPrev && first ? encodeCursor(first.createdAt, first.id) : null,
  };
}

function normalize(r: DecisionRow): DecisionRow {
  return {
    ...r,
    createdAt: new Date(r.createdAt),
    score: r.score === null ? null : Number(r.score),
    costUsd: Number(r.costUsd),
    baselineCostUsd: Number(r.baselineCostUsd),
  };
}

export interface DecisionDetail extends DecisionRow {
  probs: unknown;
  signals: unknown;
  plan: unknown;
  attempts: Array<{ seq: number; tierName: string; step: string; startedAt: Date; latencyMs: number; ttftMs: number | null; queueMs: number; tokensIn: number; tokensOut: number; costUsd: number; outcome: string; detail: string | null }>;
  ratings: Array<{ rating: number; reason: string | null; comment: string | null; raterId: string; createdAt: Date; kind: string }>;
  counterfactual: Array<{ tier: string; role: string; costUsd: number; actual: boolean }>;
  /**
   * The tokens the counterfactuals (and the baseline) are priced from: the answering attempt's, so
   * "what it would have cost on tier X" compares like with like. null when no tier answered (a
   * cache hit, a refusal): then there is nothing to reprice and the table is empty.
   */
  counterfactualBasis: { attemptSeq: number; tokensIn: number; tokensOut: number } | null;
}

export async function getDecision(sql: Sql, id: string): Promise<DecisionDetail | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const [d] = await sql<DecisionRow & { probs: unknown; signals: unknown; plan: unknown }>(
    `SELECT ${COLS}, probs, signals, plan FROM "Decision" WHERE id = $1::uuid LIMIT 1`,
    [id],
  );
  if (!d) return null;
  const base = normalize(d);
  const [attempts, ratings, tiers] = await Promise.all([
    sql<DecisionDetail['attempts'][number]>(
      `SELECT seq, "tierName", step, "startedAt", "latencyMs", "ttftMs", "queueMs", "tokensIn", "tokensOut", "costUsd", outcome, detail
         FROM "DecisionAttempt" WHERE "decisionId" = $1::uuid AND "createdAt" = $2 ORDER BY seq`,
      [id, base.createdAt],
    ),
    sql<DecisionDetail['ratings'][number]>(
      `SELECT rating, reason, comment, "raterId", "createdAt", kind FROM "Feedback" WHERE "decisionId" = $1::uuid ORDER BY "createdAt"`,
      [id],
    ),
    sql<{ name: string; role: string; in_price: number; out_price: number }>(
      `SELECT name, role, "inputPricePerM" AS in_price, "outputPricePerM" AS out_price FROM "Tier" WHERE role <> 'embedding' ORDER BY "inputPricePerM", name`,
      [],
    ),
  ]);
  return {
    ...base,
    probs: d.probs,
    signals: d.signals,
    plan: d.plan,
    attempts: attempts.map((a) => ({ ...a, costUsd: Number(a.costUsd) })),
    ratings,
    ...counterfactualOf(base, attempts, tiers.map((t) => ({ name: t.name, role: t.role, inputPricePerM: Number(t.in_price), outputPricePerM: Number(t.out_price) }))),
  };
}

/** The answering attempt: the last successful answer or synthesis step. */
export function answeringAttempt<A extends { seq: number; step: string; outcome: string }>(attempts: readonly A[]): A | null {
  return [...attempts].reverse().find((a) => a.outcome === 'ok' && (a.step === 'answer' || a.step === 'synthesize')) ?? null;
}

function counterfactualOf(
  d: Pick<DecisionRow, 'finalTier' | 'cacheStatus'>,
  attempts: readonly { seq: number; step: string; outcome: string; tokensIn: number; tokensOut: number }[],
  tiers: readonly { name: string; role: string; inputPricePerM: number; outputPricePerM: number }[],
): Pick<DecisionDetail, 'counterfactual' | 'counterfactualBasis'> {
  const a = answeringAttempt(attempts);
  if (!a || d.cacheStatus === 'exact' || d.cacheStatus === 'semantic') return { counterfactual: [], counterfactualBasis: null };
  return {
    counterfactual: counterfactualCosts({ tokensIn: a.tokensIn, tokensOut: a.tokensOut, finalTier: d.finalTier }, tiers),
    counterfactualBasis: { attemptSeq: a.seq, tokensIn: a.tokensIn, tokensOut: a.tokensOut },
  };
}

/** What the same tokens would have cost on every tier (pure). */
export function counterfactualCosts(
  d: Pick<DecisionRow, 'tokensIn' | 'tokensOut' | 'finalTier'>,
  tiers: readonly { name: string; role: string; inputPricePerM: number; outputPricePerM: number }[],
): DecisionDetail['counterfactual'] {
  return tiers.map((t) => ({
    tier: t.name,
    role: t.role,
    costUsd: (d.tokensIn * t.inputPricePerM + d.tokensOut * t.outputPricePerM) / 1e6,
    actual: t.name === d.finalTier,
  }));
}
