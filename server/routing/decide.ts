// decide(): the routing decision as a pure function of the assessment, the policy, the tiers' live
// state and the request context. No I/O, no clock, no randomness: the offline evaluator, the server
// and the tests all run exactly this code, and the reasons it returns are what the console shows.
import type { Assessment } from '../complexity/types';
import { keyOverride, type Policy, type RouteTarget } from './policy';
import { TARGET_RANK, type CascadePlan, type DecideContext, type JudgingPlan, type Plan, type RejectCode, type RejectPlan, type TierState, type TierStates } from './plan';
import { applyRules } from './rules';
import { DEFAULT_CAPABILITIES, missingCapability, needsAnything, type Needs } from '../tiers/capabilities';

export * from './plan';

const ORDER: RouteTarget[] = ['small', 'medium', 'large', 'research'];
type TierTarget = Exclude<RouteTarget, 'research'>;

function stateOf(states: TierStates, name: string): TierState | undefined {
  return states instanceof Map ? states.get(name) : (states as Record<string, TierState>)[name];
}

/** The thresholds in force for this API key: per-key overrides on top of the policy's. */
export function effectiveThresholds(policy: Policy, apiKeyId: string | null | undefined, reasons?: string[]) {
  const base = policy.thresholds;
  const o = keyOverride(policy, apiKeyId);
  if (!o) return base;
  const merged = { t1: o.thresholds.t1 ?? base.t1, t2: o.thresholds.t2 ?? base.t2, t3: o.thresholds.t3 ?? base.t3 };
  if (!(merged.t1 < merged.t2 && merged.t2 < merged.t3)) {
    // policy-validate rejects this; a stored policy that slipped through must still route sanely.
    reasons?.push(`override for key ${apiKeyId} has thresholds out of order; using the policy's`);
    return base;
  }
  reasons?.push(`thresholds overridden for key ${apiKeyId}: t1=${merged.t1} t2=${merged.t2} t3=${merged.t3}`);
  return merged;
}

/** score < t1 -> small, < t2 -> medium, < t3 -> large, else research. */
export function targetForScore(score: number, t: { t1: number; t2: number; t3: number }): RouteTarget {
  if (score < t.t1) return 'small';
  if (score < t.t2) return 'medium';
  if (score < t.t3) return 'large';
  return 'research';
}

function reject(base: Omit<RejectPlan, 'kind' | 'target' | 'chain' | 'errorCode' | 'message'>, code: RejectCode, message: string): RejectPlan {
  return { ...base, kind: 'reject', target: null, chain: [], errorCode: code, message, reasons: [...base.reasons, message] };
}

/**
 * Orders a chain by availability: disabled or unknown tiers are dropped; tiers with an open breaker
 * or a queue over the spill limit move to the end (still better to wait than to fail).
 */
function applyLoad(chain: string[], states: TierStates, maxQueue: number, reasons: string[]): string[] {
  const ready: string[] = [];
  const busy: string[] = [];
  for (const name of chain) {
    const s = stateOf(states, name);
    if (!s) reasons.push(`tier ${name} is unknown; skipped`);
    else if (!s.enabled) reasons.push(`tier ${name} is disabled; skipped`);
    else if (s.breaker === 'open') {
      reasons.push(`tier ${name} circuit breaker is open; spilled to the next tier`);
      busy.push(name);
    } else if (s.queued > maxQueue) {
      reasons.push(`tier ${name} queue ${s.queued} is over the spill limit ${maxQueue}; spilled to the next tier`);
      busy.push(name);
    } else ready.push(name);
  }
  return [...ready, ...busy];
}

/** What a tier lacks to serve the request, or null (unknown tiers are applyLoad's business). */
function lacks(states: TierStates, name: string, needs: Needs | undefined): string | null {
  if (!needs) return null;
  const s = stateOf(states, name);
  return s ? missingCapability(s.capabilities ?? DEFAULT_CAPABILITIES, needs, s.rejectFields) : null;
}

/** The chain without the tiers that cannot serve the request, each skip said in the reasons. */
function capable(chain: string[], states: TierStates, needs: Needs | undefined, reasons: string[]): { chain: string[]; missing: string | null } {
  if (!needs) return { chain, missing: null };
  let missing: string | null = null;
  const out = chain.filter((name) => {
    // A tier the policy names but the registry does not know serves nothing: without this, a chain
    // whose known tiers all lack the capability kept its unknown ones, and the request ended as
    // "no tier available" (503) instead of naming what no tier can serve.
    if (!stateOf(states, name)) {
      reasons.push(`tier ${name} is unknown; skipped`);
      return false;
    }
    const m = lacks(states, name, needs);
    if (m) {
      reasons.push(`tier ${name} cannot serve ${m}; skipped`);
      missing ??= m;
    }
    return !m;
  });
  return { chain: out, missing };
}

function chainFor(policy: Policy, target: TierTarget, forbiddenTiers: Set<string>, reasons: string[]): string[] {
  const out: string[] = [];
  for (const name of [policy.targets[target], ...policy.escalation[target]]) {
    if (forbiddenTiers.has(name)) reasons.push(`tier ${name} removed from the chain: its target is forbidden`);
    else if (!out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * The band's answer-side cascade, if its mode asks for one here: cascade always, hybrid when the
 * prompt score is below the band's hybridMaxScore. The cascade starts on the cheapest target the
 * rules allow (never above the routed one).
 */
function judgingFor(policy: Policy, target: TierTarget, score: number, forbidden: Set<RouteTarget>, reasons: string[]): { start: TierTarget; plan: JudgingPlan } | null {
  const b = policy.answerJudging[target];
  if (b.mode === 'route') return null;
  if (b.mode === 'hybrid' && score >= b.hybridMaxScore) {
    reasons.push(`hybrid band ${target}: score ${score.toFixed(3)} >= ${b.hybridMaxScore}, routed without a cheap try`);
    return null;
  }
  const start = (['small', 'medium', 'large'] as const).slice(0, TARGET_RANK[target] + 1).find((t) => !forbidden.has(t)) ?? target;
  reasons.push(`answer-side cascade (${b.mode}) for band ${target}: answer on ${start} first; judges ${b.judges.join(' > ')}; accept at P >= ${b.acceptThreshold}`);
  const { mode, judges, acceptThreshold, uncertainBelow, judgeAcceptScore, stream } = b;
  return { start, plan: { mode, band: target, judges: [...judges], acceptThreshold, uncertainBelow, judgeAcceptScore, stream, judgeTier: policy.answerJudging.judgeTier } };
}

export function decide(assessment: Assessment | null, policy: Policy, tierStates: TierStates, ctx: DecideContext): Plan {
  const reasons: string[] = [];
  const thresholds = effectiveThresholds(policy, ctx.apiKeyId, reasons);
  const scored = assessment ? targetForScore(assessment.score, thresholds) : null;
  const base = { scoredTarget: scored, band: assessment?.band ?? null, score: assessment?.score ?? null, thresholds, reasons };

  // Budget first: a key at its budget is refused whatever the prompt.
  const budget = ctx.apiKeyId ? policy.budgets.find((b) => b.apiKeyId === ctx.apiKeyId) : undefined;
  const spent = ctx.budgetSpentUsd ?? 0;
  if (budget && spent >= budget.monthlyUsd) {
    return reject(base, 'budget_exceeded', `monthly budget of $${budget.monthlyUsd.toFixed(2)} for this API key is used up ($${spent.toFixed(2)} spent)`);
  }

  if (ctx.forcedTier) {
    const s = stateOf(tierStates, ctx.forcedTier);
    if (!s) return reject(base, 'unknown_tier', `model "${ctx.forcedTier}" is not a known tier`);
    if (!s.enabled) return reject(base, 'no_tier_available', `tier ${ctx.forcedTier} is disabled`);
    const m = lacks(tierStates, ctx.forcedTier, ctx.needs);
    if (m) return reject(base, 'unsupported_capability', `tier ${ctx.forcedTier} cannot serve ${m}`);
    reasons.push(`client asked for tier ${ctx.forcedTier}: no routing, no escalation`);
    const target = (Object.keys(policy.targets) as TierTarget[]).find((k) => policy.targets[k] === ctx.forcedTier) ?? 'large';
    return { ...base, kind: 'cascade', target, chain: [ctx.forcedTier] };
  }

  if (!assessment) return reject(base, 'no_tier_available', 'no assessment and no tier named: nothing to route on');
  reasons.push(`score ${assessment.score.toFixed(3)} (band ${assessment.band}) maps to ${scored}`);
  let target: RouteTarget = scored!;
  if (target === 'research' && !policy.research.enabled) {
    target = 'large';
    reasons.push('research pipeline is disabled; answering with the large target');
  }

  const ruled = applyRules(policy.rules, ctx, target, reasons);
  if (ruled.target === null) return reject(base, 'forbidden', 'every target is forbidden by the policy rules for this request');
  target = ruled.target;

  if (budget && spent >= budget.downgradeAt * budget.monthlyUsd) {
    const cheaper = ORDER.slice(0, TARGET_RANK[target]).reverse().find((t) => !ruled.forbidden.has(t) && (t !== 'research' || policy.research.enabled));
    if (cheaper) {
      reasons.push(`near the monthly budget ($${spent.toFixed(2)} of $${budget.monthlyUsd.toFixed(2)}): routed one tier cheaper, ${target} -> ${cheaper}`);
      target = cheaper;
    } else reasons.push(`near the monthly budget but ${target} is already the cheapest allowed target`);
  }

  const forbiddenTiers = new Set([...ruled.forbidden].filter((t): t is TierTarget => t !== 'research').map((t) => policy.targets[t]));
  // Forbidding a target also keeps its tier out of other chains, unless that tier also serves an allowed target.
  for (const t of ['small', 'medium', 'large'] as const) if (!ruled.forbidden.has(t)) forbiddenTiers.delete(policy.targets[t]);

  if (target === 'research') {
    const r = policy.research;
    const steps = {
      planner: r.planner ?? policy.targets.large,
      worker: r.worker ?? policy.targets.medium,
      synthesizer: r.synthesizer ?? policy.targets.large,
      maxSubQuestions: r.maxSubQuestions,
      parallelism: r.parallelism,
    };
    const fallback = applyLoad(chainFor(policy, 'large', forbiddenTiers, reasons), tierStates, policy.spill.maxQueue, reasons);
    // The research steps are plain-text calls: a request with tools or media is answered by one tier.
    const unusable = [steps.planner, steps.worker, steps.synthesizer].filter((n) => {
      const s = stateOf(tierStates, n);
      return !s || !s.enabled || s.breaker === 'open' || forbiddenTiers.has(n) || (ctx.needs && needsAnything(ctx.needs) && lacks(tierStates, n, ctx.needs) !== null);
    });
    // The synthesis carries the client's own fields: a synthesizer that refuses one cannot answer.
    const needs = ctx.needs;
    if (needs && stateOf(tierStates, steps.synthesizer)?.rejectFields?.some((f) => needs.fields.includes(f))) unusable.push(steps.synthesizer);
    if (ctx.needs && (ctx.needs.tools || ctx.needs.vision || ctx.needs.audio)) unusable.push('(tools or media in the request)');
    if (unusable.length === 0) {
      reasons.push(`research pipeline: plan on ${steps.planner}, ${steps.maxSubQuestions} sub-questions on ${steps.worker}, synthesis on ${steps.synthesizer}`);
      return { ...base, kind: 'research', target: 'research', steps, chain: fallback };
    }
    const best = (['large', 'medium', 'small'] as const).find((t) => !ruled.forbidden.has(t));
    if (!best) return reject(base, 'forbidden', 'research pipeline unavailable and every single-tier target is forbidden');
    reasons.push(`research pipeline unavailable (${[...new Set(unusable)].join(', ')} not usable); answering with the ${best} target`);
    target = best;
  }

  // Cascade mode starts on the cheapest capable tier and judges its answer (judgingFor).
  const judging = judgingFor(policy, target, assessment.score, ruled.forbidden, reasons);
  let start = judging ? judging.start : target;
  // The capability filter covers the whole escalation chain, and reaches up when the start's own tiers
  // cannot serve the request (an image on the small target goes to the first tier with vision).
  let picked = capable(chainFor(policy, start, forbiddenTiers, reasons), tierStates, ctx.needs, reasons);
  if (picked.chain.length === 0 && picked.missing) {
    for (const up of ORDER.slice(TARGET_RANK[start] + 1)) {
      if (up === 'research' || ruled.forbidden.has(up)) continue;
      const next = capable(chainFor(policy, up, forbiddenTiers, reasons), tierStates, ctx.needs, reasons);
      if (next.chain.length > 0) {
        reasons.push(`no ${start} tier can serve ${picked.missing}: answered by the ${up} target`);
        if (TARGET_RANK[up] > TARGET_RANK[target]) target = up;
        start = up;
        picked = next;
        break;
      }
    }
    if (picked.chain.length === 0) return reject(base, 'unsupported_capability', `no tier can serve ${picked.missing}`);
  }
  const chain = applyLoad(picked.chain, tierStates, policy.spill.maxQueue, reasons);
  if (chain.length === 0) return reject(base, 'no_tier_available', `no enabled tier can serve target ${target}`);
  reasons.push(`chain: ${chain.join(' -> ')}`);
  const plan: CascadePlan = { ...base, kind: 'cascade', target, chain, ...(judging ? { judging: judging.plan } : {}) };
  return plan;
}
