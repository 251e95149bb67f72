// The stored shape of a decision, made at record() time: a copy (later mutation by the caller
// cannot change what is written), with every value the database would reject repaired up front,
// because one bad row would otherwise fail its whole batch and block the spool replay behind it.
import { withoutNul } from '../lib/text-storage';
import { isUuid } from './ids';
import type { AttemptRecord, DecisionRecord, TrainingRecord } from './types';

export const PREVIEW_MAX = 280;

/** Finite, non-negative; anything else is 0 (never NaN in the database). */
function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}
function int(v: unknown): number {
  return Math.min(Math.round(num(v)), 2_147_483_647);
}
function optInt(v: unknown): number | null {
  return v === null || v === undefined ? null : int(v);
}
/** A NUL in a prompt made the whole row fail: stored text swaps it for U+FFFD. */
const text = (v: unknown): string => withoutNul(String(v));
function optStr(v: unknown): string | null {
  return v === null || v === undefined ? null : text(v);
}
const nulFree = (_key: string, v: unknown): unknown => (typeof v === 'string' ? text(v) : v);
function date(v: unknown, fallback: Date): Date {
  return v instanceof Date && Number.isFinite(v.getTime()) ? new Date(v.getTime()) : fallback;
}
/** JSON text for a jsonb column; values JSON cannot hold (undefined, functions) become NULL. */
function json(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  try {
    // Plain stringify first: a replacer function runs for every key and makes stringify several
    // times slower on the hot path. JSON escapes a NUL as \u0000, so when that text is absent no
    // string held one and the replacer would have changed nothing.
    const plain = JSON.stringify(v) as string | undefined;
    if (plain === undefined) return null;
    return plain.includes('\\u0000') ? (JSON.stringify(v, nulFree) ?? null) : plain;
  } catch {
    return null; // cyclic: never worth failing a decision over
  }
}

export interface StoredAttempt extends Omit<AttemptRecord, 'startedAt'> {
  startedAt: string;
}
export interface StoredDecision extends Omit<DecisionRecord, 'createdAt' | 'attempts' | 'probs' | 'signals' | 'plan' | 'training'> {
  createdAt: string;
  probs: string | null;
  signals: string | null;
  plan: string | null;
  attempts: StoredAttempt[];
  training?: StoredTraining;
}

/** The training sample's JSON columns, as text; written to TrainingSample with the decision. */
export interface StoredTraining {
  complexityModel: string | null;
  complexity: string | null;
  answers: string;
  finalTarget: string | null;
  text: string | null;
}

const finite = (xs: unknown): number[] => (Array.isArray(xs) ? xs.map((x) => (typeof x === 'number' && Number.isFinite(x) ? x : 0)) : []);
const TARGETS = new Set(['small', 'medium', 'large']);
const target = (t: unknown) => (typeof t === 'string' && TARGETS.has(t) ? t : null);

/** Numbers that JSON and jsonb accept (NaN and Infinity become 0), targets from the known set only. */
function normalizeTraining(t: TrainingRecord): StoredTraining {
  const answers = (Array.isArray(t.answers) ? t.answers : []).map((a) => ({
    tier: text(a.tier ?? ''),
    target: target(a.target),
    accepted: a.accepted === true,
    decidedBy: optStr(a.decidedBy),
    score: typeof a.score === 'number' && Number.isFinite(a.score) ? a.score : null,
    features: finite(a.features),
  }));
  const texts = (Array.isArray(t.answers) ? t.answers : []).map((a) => (typeof a.text === 'string' ? a.text : null));
  const hasText = Array.isArray(t.messages) || texts.some((x) => x !== null);
  const c = t.complexity;
  return {
    complexityModel: c ? text(c.model ?? '') : null,
    complexity: c ? json({ i: finite(c.i).map((x) => Math.trunc(x)), v: finite(c.v) }) : null,
    answers: json(answers) ?? '[]',
    finalTarget: target(t.finalTarget),
    text: hasText ? json({ messages: (t.messages ?? []).map((m) => ({ role: text(m.role), content: text(m.content) })), answers: texts }) : null,
  };
}

/** null when the record cannot be stored at all (no valid id). */
export function normalizeDecision(d: DecisionRecord, now = new Date()): StoredDecision | null {
  if (!d || !isUuid(d.id)) return null;
  const createdAt = date(d.createdAt, now);
  const score = typeof d.score === 'number' && Number.isFinite(d.score) ? d.score : null;
  return {
    id: d.id.toLowerCase(),
    createdAt: createdAt.toISOString(),
    principalId: optStr(d.principalId),
    apiKeyId: optStr(d.apiKeyId),
    source: d.source ?? 'api',
    door: optStr(d.door) as StoredDecision['door'],
    promptHash: text(d.promptHash ?? ''),
    promptPreview: text(d.promptPreview ?? '').slice(0, PREVIEW_MAX),
    band: d.band ?? null,
    score,
    probs: json(d.probs),
    signals: json(d.signals),
    policyVersion: optInt(d.policyVersion),
    plan: json(d.plan),
    finalTier: optStr(d.finalTier),
    cacheStatus: d.cacheStatus ?? 'off',
    tokensIn: int(d.tokensIn),
    tokensOut: int(d.tokensOut),
    costUsd: num(d.costUsd),
    baselineCostUsd: num(d.baselineCostUsd),
    latencyMs: int(d.latencyMs),
    ttftMs: optInt(d.ttftMs),
    status: d.status ?? 'ok',
    errorCode: optStr(d.errorCode),
    escalations: int(d.escalations),
    attempts: (Array.isArray(d.attempts) ? d.attempts : []).map((a, i) => ({
      seq: Number.isInteger(a.seq) ? a.seq : i,
      tierId: text(a.tierId ?? ''),
      tierName: text(a.tierName ?? ''),
      step: text(a.step ?? 'answer'),
      startedAt: date(a.startedAt, createdAt).toISOString(),
      latencyMs: int(a.latencyMs),
      ttftMs: optInt(a.ttftMs),
      queueMs: int(a.queueMs),
      tokensIn: int(a.tokensIn),
      tokensOut: int(a.tokensOut),
      costUsd: num(a.costUsd),
      outcome: a.outcome ?? 'ok',
      detail: optStr(a.detail),
    })),
    ...(d.training ? { training: normalizeTraining(d.training) } : {}),
  };
}
