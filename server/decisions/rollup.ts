// Rollup deltas of a set of decisions: hourly (DecisionRollup), per UTC day (DecisionRollupDaily,
// the hourly deltas summed per day) and attempts per hour x tier x outcome (AttemptRollup). Computed
// only from the decisions that a batch actually inserted, so replaying a batch never counts twice.
import { addHistograms, bucketOf, emptyHistogram } from './histogram';
import type { StoredDecision } from './normalize';

export interface RollupDelta {
  bucket: string; // ISO hour start
  apiKeyId: string;
  tier: string;
  band: string;
  policyVersion: number;
  cacheStatus: string;
  status: string;
  count: number;
  costUsd: number;
  baselineCostUsd: number;
  tokensIn: number;
  tokensOut: number;
  latencySumMs: number;
  ttftSumMs: number;
  ttftCount: number;
  escalations: number;
  latencyHist: number[];
}

const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export function hourOf(iso: string): string {
  // Stored times come from toISOString(): cutting the string is exact and avoids a Date per row.
  if (CANONICAL_ISO.test(iso)) return `${iso.slice(0, 13)}:00:00.000Z`;
  const d = new Date(iso);
  d.setUTCMinutes(0, 0, 0);
  return d.toISOString();
}

/** Deltas sorted by key, so concurrent writers lock rollup rows in the same order (no deadlocks). */
export function rollupDeltas(decisions: readonly StoredDecision[]): RollupDelta[] {
  const byKey = new Map<string, RollupDelta>();
  for (const d of decisions) {
    const k = {
      bucket: hourOf(d.createdAt),
      apiKeyId: d.apiKeyId ?? '',
      tier: d.finalTier ?? '',
      band: d.band ?? '',
      policyVersion: d.policyVersion ?? 0,
      cacheStatus: d.cacheStatus,
      status: d.status,
    };
    // A joined string is much cheaper than JSON per row; a dimension that contains the separator
    // itself (never seen in practice) gets the unambiguous JSON key, so keys never collide.
    const joined = `${k.bucket}\u0001${k.apiKeyId}\u0001${k.tier}\u0001${k.band}\u0001${k.policyVersion}\u0001${k.cacheStatus}\u0001${k.status}`;
    const key = joined.split('\u0001').length === 7 ? joined : `\u0000${JSON.stringify(Object.values(k))}`;
    let r = byKey.get(key);
    if (!r) {
      r = { ...k, count: 0, costUsd: 0, baselineCostUsd: 0, tokensIn: 0, tokensOut: 0, latencySumMs: 0, ttftSumMs: 0, ttftCount: 0, escalations: 0, latencyHist: emptyHistogram() };
      byKey.set(key, r);
    }
    r.count += 1;
    r.costUsd += d.costUsd;
    r.baselineCostUsd += d.baselineCostUsd;
    r.tokensIn += d.tokensIn;
    r.tokensOut += d.tokensOut;
    r.latencySumMs += d.latencyMs;
    if (d.ttftMs !== null) {
      r.ttftSumMs += d.ttftMs;
      r.ttftCount += 1;
    }
    r.escalations += d.escalations;
    r.latencyHist[bucketOf(d.latencyMs)] += 1;
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

/** Start (00:00 UTC) of the day of an hour bucket from hourOf(). Daily buckets are UTC days. */
export function dayOf(hourIso: string): string {
  return `${hourIso.slice(0, 10)}T00:00:00.000Z`;
}

/** The hourly deltas summed per UTC day, same key otherwise, sorted by key like rollupDeltas(). */
export function dailyDeltas(hourly: readonly RollupDelta[]): RollupDelta[] {
  const byKey = new Map<string, RollupDelta>();
  for (const h of hourly) {
    const d = { ...h, bucket: dayOf(h.bucket) };
    // JSON keys: there are few deltas per batch (one per hourly key), so cost does not matter here.
    const key = JSON.stringify([d.bucket, d.apiKeyId, d.tier, d.band, d.policyVersion, d.cacheStatus, d.status]);
    const prev = byKey.get(key);
    byKey.set(key, prev ? mergeDeltas(prev, d) : { ...d, latencyHist: [...d.latencyHist] });
  }
  return [...byKey.values()].sort(compareKeys);
}

export interface AttemptDelta {
  bucket: string; // ISO hour start of the decision
  tier: string; // attempt tierName
  outcome: string;
  count: number;
}

/** Attempts of the decisions per (hour, tier, outcome), sorted by key (lock order). */
export function attemptDeltas(decisions: readonly StoredDecision[]): AttemptDelta[] {
  const byKey = new Map<string, AttemptDelta>();
  for (const d of decisions) {
    if (d.attempts.length === 0) continue;
    const bucket = hourOf(d.createdAt);
    for (const a of d.attempts) {
      // bucket and outcome never contain \u0001, so a joined key is unambiguous even if a tier name does.
      const key = `${bucket}\u0001${a.outcome}\u0001${a.tierName}`;
      const r = byKey.get(key);
      if (r) r.count += 1;
      else byKey.set(key, { bucket, tier: a.tierName, outcome: a.outcome, count: 1 });
    }
  }
  return [...byKey.values()].sort((a, b) => cmp(a.bucket, b.bucket) || cmp(a.tier, b.tier) || cmp(a.outcome, b.outcome));
}

export interface JudgeDelta {
  bucket: string;
  judge: string;
  tier: string;
  outcome: string;
  count: number;
}

/** Answer-judge verdicts (steps 'judge:<judge>') per (hour, judge, tier, outcome), sorted by key (lock order). */
export function judgeDeltas(decisions: readonly StoredDecision[]): JudgeDelta[] {
  const byKey = new Map<string, JudgeDelta>();
  for (const d of decisions) {
    let bucket: string | null = null;
    for (const a of d.attempts) {
      if (!a.step.startsWith('judge:')) continue;
      bucket ??= hourOf(d.createdAt);
      const judge = a.step.slice(6);
      const key = `${bucket}\u0001${judge}\u0001${a.tierName}\u0001${a.outcome}`;
      const r = byKey.get(key);
      if (r) r.count += 1;
      else byKey.set(key, { bucket, judge, tier: a.tierName, outcome: a.outcome, count: 1 });
    }
  }
  return [...byKey.values()].sort((a, b) => cmp(a.bucket, b.bucket) || cmp(a.judge, b.judge) || cmp(a.tier, b.tier) || cmp(a.outcome, b.outcome));
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Primary-key order of DecisionRollup(Daily) rows: the order in which upserts take row locks. */
function compareKeys(a: RollupDelta, b: RollupDelta): number {
  return (
    cmp(a.bucket, b.bucket) || cmp(a.apiKeyId, b.apiKeyId) || cmp(a.tier, b.tier) || cmp(a.band, b.band) ||
    cmp(a.policyVersion, b.policyVersion) || cmp(a.cacheStatus, b.cacheStatus) || cmp(a.status, b.status)
  );
}

/** Sum of deltas with equal keys (for tests and read-side merges). */
export function mergeDeltas(a: RollupDelta, b: RollupDelta): RollupDelta {
  return {
    ...a,
    count: a.count + b.count,
    costUsd: a.costUsd + b.costUsd,
    baselineCostUsd: a.baselineCostUsd + b.baselineCostUsd,
    tokensIn: a.tokensIn + b.tokensIn,
    tokensOut: a.tokensOut + b.tokensOut,
    latencySumMs: a.latencySumMs + b.latencySumMs,
    ttftSumMs: a.ttftSumMs + b.ttftSumMs,
    ttftCount: a.ttftCount + b.ttftCount,
    escalations: a.escalations + b.escalations,
    latencyHist: addHistograms(a.latencyHist, b.latencyHist),
  };
}
