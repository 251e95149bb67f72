// Policy rules: force or forbid a target for requests that match. Pure, used by decide().
import type { Policy, RouteTarget } from './policy';
import type { DecideContext } from './plan';
import { compileRuleRegex, type RuleRegex } from './rule-regex';

type Rule = Policy['rules'][number];
const ORDER: RouteTarget[] = ['small', 'medium', 'large', 'research'];

// Compiling a regex per request is measurable at thousands of RPS; rules are few, so cache them.
const regexCache = new Map<string, RuleRegex | null>();
function compiled(source: string): RuleRegex | null {
  let re = regexCache.get(source);
  if (re === undefined) {
    const c = compileRuleRegex(source);
    re = c.ok ? c.re : null; // the policy schema refuses these; a stored one from before simply never matches
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

/** Every condition a rule sets must hold (AND); a rule with no conditions matches every request. */
export function ruleMatches(rule: Rule, ctx: DecideContext): boolean {
  const m = rule.match;
  if (m.keyword !== undefined && !ctx.prompt.toLowerCase().includes(m.keyword.toLowerCase())) return false;
  if (m.regex !== undefined) {
    const re = compiled(m.regex);
    if (!re || !re.test(ctx.prompt)) return false;
  }
  if (m.apiKeyId !== undefined && ctx.apiKeyId !== m.apiKeyId) return false;
  if (m.maxCostBelowUsd !== undefined && !(ctx.maxCostUsd != null && ctx.maxCostUsd < m.maxCostBelowUsd)) return false;
  if (m.responseFormat !== undefined && (ctx.responseFormat ?? 'text') !== m.responseFormat) return false;
  return true;
}

function describe(rule: Rule): string {
  return rule.description ? `rule ${rule.id} (${rule.description})` : `rule ${rule.id}`;
}

/**
 * Applies force rules (first match wins) and forbid rules (all matches). A forbid beats a force.
 * A forbidden target moves to the nearest cheaper allowed one (forbids are usually about cost or data
 * control), else the nearest more expensive; null when every target is forbidden.
 */
export function applyRules(rules: Rule[], ctx: DecideContext, target: RouteTarget, reasons: string[]): { target: RouteTarget | null; forbidden: Set<RouteTarget> } {
  const forbidden = new Set<RouteTarget>();
  let forced: { rule: Rule; target: RouteTarget } | null = null;
  for (const rule of rules) {
    if (!ruleMatches(rule, ctx)) continue;
    if (rule.action.type === 'forbid') {
      forbidden.add(rule.action.target);
      reasons.push(`${describe(rule)} forbids ${rule.action.target}`);
    } else if (!forced) {
      forced = { rule, target: rule.action.target };
    }
  }
  if (forced) {
    if (forbidden.has(forced.target)) reasons.push(`${describe(forced.rule)} would force ${forced.target}, but it is forbidden`);
    else {
      reasons.push(`${describe(forced.rule)} forces ${forced.target}`);
      target = forced.target;
    }
  }
  if (!forbidden.has(target)) return { target, forbidden };
  const i = ORDER.indexOf(target);
  const cheaper = ORDER.slice(0, i).reverse().find((t) => !forbidden.has(t));
  const dearer = ORDER.slice(i + 1).find((t) => !forbidden.has(t));
  const next = cheaper ?? dearer ?? null;
  if (next) reasons.push(`${target} is forbidden; using ${next}`);
  return { target: next, forbidden };
}
