// The policy what-if preview: replays recorded decisions under a draft policy with the real decide()
// and predicts cost and success. Pure (no I/O, clock or randomness): the tRPC procedure loads the
// decisions, tier prices and success table, this turns them into the figures the editor shows.
//
// The comparison is "what was recorded" against "what the draft would do":
// - same first tier (or both research / both refused): the recorded outcome stands (cost, rating);
// - the draft starts at the tier that answered after escalating: the recorded answer and rating
//   stand, and the cost is that answer's tokens at that tier (the failed attempts are skipped);
// - any other tier: the answer's tokens priced at the draft tier, success from the tier x band rate
//   of the feedback rollups (Wilson interval), else the tier's rate over all bands. Extrapolated.
import type { Assessment, Band } from '../complexity/types';
import { BANDS } from '../complexity/types';
import { wilson, Z95 } from '../feedback/stats';
import { decide, effectiveThresholds, targetForScore } from '../routing/decide';
import type { Plan, TierState } from '../routing/plan';
import type { Policy } from '../routing/policy';
import type { ReplayDecision, ReplayKind, SampleChange, SideSummary, SuccessCount, SuccessSource, TierPrice, WhatIfResult } from './types';

export const MAX_SAMPLES = 25;
const CACHE_HITS = new Set(['exact', 'semantic']);
const FORCED = /^client asked for tier /;

interface RecordedPlan {
  kind: string;
  chain: string[];
  errorCode: string | null;
  forced: boolean;
  /** Tuner exploration moved it a tier up or down: the draft would explore a similar share. */
  explored: boolean;
}

/** The parts of a stored plan the replay reads; null when it is not a plan. */
export function readPlan(plan: unknown): RecordedPlan | null {
  if (!plan || typeof plan !== 'object') return null;
  const p = plan as { kind?: unknown; chain?: unknown; errorCode?: unknown; reasons?: unknown; exploration?: unknown };
  if (p.kind !== 'cascade' && p.kind !== 'research' && p.kind !== 'reject') return null;
  const chain = Array.isArray(p.chain) ? p.chain.filter((x): x is string => typeof x === 'string') : [];
  const reasons = Array.isArray(p.reasons) ? p.reasons.filter((x): x is string => typeof x === 'string') : [];
  return {
    kind: p.kind,
    chain,
    errorCode: typeof p.errorCode === 'string' ? p.errorCode : null,
    forced: reasons.some((r) => FORCED.test(r)),
    explored: !!p.exploration && typeof p.exploration === 'object',
  };
}

/** The route of a plan: its first tier, 'research' or '(rejected)'. */
function routeOf(plan: { kind: string; chain: readonly string[] }): string {
  if (plan.kind === 'reject') return '(rejected)';
  if (plan.kind === 'research') return 'research';
  return plan.chain[0] ?? '(rejected)';
}

/** Where a recorded decision ended up, for the tier mix. */
function recordedLabel(d: ReplayDecision, plan: RecordedPlan | null): string {
  if (CACHE_HITS.has(d.cacheStatus)) return '(cache)';
  if (d.status === 'rejected' || plan?.kind === 'reject') return '(rejected)';
  if (plan?.kind === 'research') return 'research';
  return d.finalTier ?? '(failed)';
}

type Estimate = { p: number | null; source: SuccessSource; cell: string | null; se: number };

/** Success look-ups: tier x band first, then the tier over all bands. */
export function successTable(counts: readonly SuccessCount[]): (tier: string | null, band: string | null) => Estimate {
  const cells = new Map<string, { up: number; n: number }>();
  const tiers = new Map<string, { up: number; n: number }>();
  for (const c of counts) {
    if (!(c.n > 0)) continue;
    const k = `${c.tier}\u0000${c.band}`;
    const a = cells.get(k) ?? { up: 0, n: 0 };
    a.up += c.up;
    a.n += c.n;
    cells.set(k, a);
    const t = tiers.get(c.tier) ?? { up: 0, n: 0 };
    t.up += c.up;
    t.n += c.n;
    tiers.set(c.tier, t);
  }
  const est = (a: { up: number; n: number }, source: SuccessSource, cell: string): Estimate => {
    const w = wilson(a.up, a.n);
    // The Wilson interval's half-width as a standard error, so cells can be combined.
    return { p: w.rate, source, cell, se: (w.high - w.low) / (2 * Z95) };
  };
  return (tier, band) => {
    if (!tier) return { p: null, source: 'unknown', cell: null, se: 0 };
    const c = band ? cells.get(`${tier}\u0000${band}`) : undefined;
    if (c) return est(c, 'tier_band', `${tier}\u0000${band}`);
    const t = tiers.get(tier);
    if (t) return est(t, 'tier', tier);
    return { p: null, source: 'unknown', cell: null, se: 0 };
  };
}

function observed(d: ReplayDecision): number | null {
  const n = d.ratingsUp + d.ratingsDown;
  return n > 0 ? d.ratingsUp / n : null;
}

/** Success of the recorded outcome: its ratings, a seen failure, or the answering tier's rate. */
function recordedSuccess(d: ReplayDecision, label: string, lookup: ReturnType<typeof successTable>): Estimate {
  if (label === '(rejected)') return { p: null, source: 'unknown', cell: null, se: 0 };
  if (d.status === 'error' || !d.finalTier) return { p: 0, source: 'observed', cell: null, se: 0 };
  const o = observed(d);
  if (o !== null) return { p: o, source: 'observed', cell: null, se: 0 };
  return lookup(d.finalTier, d.band);
}

class Side {
  readonly mix: Record<string, number> = {};
  costUsd = 0;
  rejected = 0;
  private sum = 0;
  private n = 0;
  private readonly cells = new Map<string, { k: number; se: number }>();
  readonly sources: Record<SuccessSource, number> = { observed: 0, tier_band: 0, tier: 0, unknown: 0 };

  add(label: string, cost: number, s: Estimate): void {
    this.mix[label] = (this.mix[label] ?? 0) + 1;
    this.costUsd += cost;
    if (label === '(rejected)') {
      this.rejected++;
      return;
    }
    this.sources[s.source]++;
    if (s.p === null) return;
    this.sum += s.p;
    this.n++;
    if (s.cell) {
      const c = this.cells.get(s.cell) ?? { k: 0, se: s.se };
      c.k++;
      this.cells.set(s.cell, c);
    }
  }

  summary(): SideSummary {
    let success: SideSummary['success'] = null;
    if (this.n > 0) {
      // Decisions sharing a cell share its estimate (their errors move together); cells are
      // independent. Observed outcomes add no uncertainty: they are what happened.
      let variance = 0;
      for (const c of this.cells.values()) variance += ((c.k / this.n) * c.se) ** 2;
      const rate = this.sum / this.n;
      const half = Z95 * Math.sqrt(variance);
      success = { rate, low: Math.max(0, rate - half), high: Math.min(1, rate + half), n: this.n };
    }
    return { mix: this.mix, costUsd: this.costUsd, success, sources: { ...this.sources }, rejected: this.rejected };
  }
}

const price = (t: TierPrice | undefined, tin: number, tout: number) => (t ? (tin * t.inputPricePerM + tout * t.outputPricePerM) / 1e6 : 0);

/** decide() for a recorded decision under the draft: tiers as configured now, no load, no budget spend. */
function replayPlan(d: ReplayDecision, draft: Policy, states: Map<string, TierState>): Plan {
  const band = (BANDS as readonly string[]).includes(d.band ?? '') ? (d.band as Band) : 'moderate';
  // decide() reads only the score and band of an assessment.
  const assessment = { score: d.score!, band } as Assessment;
  return decide(assessment, draft, states, { prompt: d.promptPreview, apiKeyId: d.apiKeyId });
}

/**
 * replayPlan with a memo: without rules (the only part that reads the prompt), the plan's route
 * depends on the score only through its scored target, so decisions sharing (target, API key)
 * share a plan (bench/whatif.bench.ts: replay of 10,000 decisions 535 -> 94 ms p50 on the loaded box).
 */
function planner(draft: Policy, states: Map<string, TierState>): (d: ReplayDecision) => Plan {
  if (draft.rules.length > 0) return (d) => replayPlan(d, draft, states);
  const memo = new Map<string, Plan>();
  return (d) => {
    const key = `${targetForScore(d.score!, effectiveThresholds(draft, d.apiKeyId))}\u0000${d.apiKeyId ?? ''}`;
    let plan = memo.get(key);
    if (!plan) memo.set(key, (plan = replayPlan(d, draft, states)));
    return plan;
  };
}

export interface WhatIfInput {
  decisions: readonly ReplayDecision[];
  draft: Policy;
  tiers: readonly TierPrice[];
  success: readonly SuccessCount[];
}

export function replayWhatIf(input: WhatIfInput): WhatIfResult {
  const { decisions, draft } = input;
  const lookup = successTable(input.success);
  const byName = new Map(input.tiers.map((t) => [t.name, t]));
  const states = new Map<string, TierState>(input.tiers.map((t) => [t.name, { enabled: t.enabled, breaker: 'closed', queued: 0 }]));
  const planOf = planner(draft, states);
  const before = new Side();
  const after = new Side();
  const counts: Record<ReplayKind, number> = { kept: 0, unchanged: 0, shortcut: 0, changed: 0 };
  const samples: SampleChange[] = [];
  let extrapolated = 0;
  let previewRules = false;
  let fromRefusal = 0;

  for (const d of decisions) {
    const rec = readPlan(d.plan);
    const label = recordedLabel(d, rec);
    const was = recordedSuccess(d, label, lookup);
    before.add(label, d.costUsd, was);

    const replayable = rec !== null && d.score !== null && Number.isFinite(d.score) && !CACHE_HITS.has(d.cacheStatus) && !rec.forced && !rec.explored && rec.errorCode !== 'budget_exceeded';
    if (!replayable) {
      counts.kept++;
      after.add(label, d.costUsd, was);
      continue;
    }
    const plan = planOf(d);
    if (draft.rules.length > 0) previewRules = true;
    const to = routeOf(plan);
    if (to === routeOf(rec)) {
      counts.unchanged++;
      after.add(label, d.costUsd, was);
      continue;
    }

    if (rec.kind === 'reject' && plan.kind !== 'reject') fromRefusal++;
    let kind: ReplayKind = 'changed';
    let toLabel = to;
    let cost = 0;
    let est: Estimate;
    if (plan.kind === 'reject') {
      est = { p: null, source: 'unknown', cell: null, se: 0 };
    } else if (plan.kind === 'research') {
      // Priced as the synthesis alone: planner and worker calls are not known (a lower bound).
      cost = price(byName.get(plan.steps.synthesizer), d.answerTokensIn, d.answerTokensOut);
      est = lookup(plan.steps.synthesizer, d.band);
    } else if (to === d.finalTier && (d.status === 'ok' || d.status === 'partial')) {
      kind = 'shortcut';
      cost = price(byName.get(to), d.answerTokensIn, d.answerTokensOut);
      est = recordedSuccess(d, to, lookup);
    } else {
      cost = price(byName.get(to), d.answerTokensIn, d.answerTokensOut);
      est = lookup(to, d.band);
    }
    if (plan.kind === 'reject') toLabel = '(rejected)';
    counts[kind]++;
    if (est.source === 'tier_band' || est.source === 'tier') extrapolated++;
    after.add(toLabel, cost, est);
    if (samples.length < MAX_SAMPLES) {
      samples.push({
        id: d.id, createdAt: d.createdAt, promptPreview: d.promptPreview, score: d.score, band: d.band, from: label, to: toLabel, kind,
        costBefore: d.costUsd, costAfter: cost, successAfter: est.p, sourceAfter: est.source,
      });
    }
  }

  const b = before.summary();
  const a = after.summary();
  const notes = [
    'Success is the share of thumbs-up: a decision’s own ratings where it has them, otherwise the tier × band rate of rated cache misses (extrapolated).',
    'A decision the draft sends to another tier is priced with its answer’s tokens at that tier, assuming no escalation there.',
    'Cache hits, forced tiers, budget refusals and the tuner’s exploration share are counted as recorded; budgets and tier load are not replayed.',
  ];
  if (fromRefusal > 0) notes.push(`${fromRefusal} decision(s) refused when recorded would be answered under the draft; their tokens are unknown, so their cost counts as 0.`);
  if (previewRules) notes.push('Rules are matched against the stored prompt preview (redacted, at most 280 characters), not the full prompt.');
  return {
    replayed: decisions.length,
    kept: counts.kept,
    unchanged: counts.unchanged,
    changed: counts.changed + counts.shortcut,
    before: b,
    after: a,
    costDelta: a.costUsd - b.costUsd,
    costDeltaPct: b.costUsd > 0 ? (a.costUsd - b.costUsd) / b.costUsd : null,
    extrapolated,
    samples,
    notes,
  };
}
