// An API key limited to some tiers ("allowed tiers"): the plan decide() made is narrowed to them
// after the fact, so routing itself stays one pure function. A tier the client forces outside the
// scope is refused (403, forbidden); a cascade keeps only its allowed tiers, in order; a research
// plan whose steps use a tier outside the scope answers in one call on its allowed fallback tiers.
// When none of the chain's tiers is allowed (a complex question for a key limited to small tiers),
// the scope caps the request: it goes to the strongest allowed tier the policy targets, then down.
import type { Plan } from './plan';

/** `strength`: tier names from weakest to strongest (the policy's small, medium, large targets). */
export function scopePlan(plan: Plan, allowed: readonly string[] | undefined, forced: string | null, strength: readonly string[] = []): Plan {
  if (!allowed?.length || plan.kind === 'reject') return plan;
  const refuse = (message: string): Plan => ({
    scoredTarget: plan.scoredTarget, band: plan.band, score: plan.score, thresholds: plan.thresholds,
    kind: 'reject', target: null, chain: [], errorCode: 'forbidden', message, reasons: [...plan.reasons, message],
  });
  const list = allowed.join(', ');
  if (forced && !allowed.includes(forced)) return refuse(`this API key may use only the tiers ${list}; "${forced}" is not one of them`);
  let chain = plan.chain.filter((t) => allowed.includes(t));
  const dropped = plan.chain.filter((t) => !allowed.includes(t));
  const note = dropped.length ? [`the key's tier scope (${list}) removed ${dropped.join(', ')}`] : [];
  if (chain.length === 0) {
    chain = [...new Set(strength)].filter((t) => allowed.includes(t)).reverse();
    if (chain.length === 0) return refuse(`this API key may use only the tiers ${list}, and none of them is a routing target`);
    note.push(`capped at ${chain[0]}, the strongest tier the key may use`);
  }
  if (plan.kind === 'research') {
    const s = plan.steps;
    if ([s.planner, s.worker, s.synthesizer].every((t) => allowed.includes(t))) return { ...plan, chain, reasons: [...plan.reasons, ...note] };
    return {
      ...plan, kind: 'cascade', target: 'large', chain,
      reasons: [...plan.reasons, ...note, `research needs tiers outside the key's scope (${list}): answered in one call`],
    };
  }
  return { ...plan, chain, reasons: [...plan.reasons, ...note] };
}
