// Tenants and what the analyst and admin roles reach: one rule for tRPC, the OpenAI-compatible API
// and the feedback port.
// - Operators run the installation: console sessions, and API keys of the "default" tenant. Their
//   analyst / admin role is installation-wide (dashboards, every decision, policy, keys, users).
// - An API key of any other tenant is confined to that tenant: with the analyst or admin role it
//   reads its tenant's decisions, but installation-wide procedures refuse it (403).
// - Anyone reads the decisions they made themselves (their session, or their API key).
// - Rating needs the decision readable AND in the rater's tenant (the console's tenant is
//   "default"), so ratings from one tenant never move another's statistics or the tuner.
// A decision that may not be read is answered exactly like one that does not exist (404).
import type { Principal } from '../contracts/principal';
import { hasRole } from './roles';

export interface DecisionOwner {
  principalId: string | null;
  /** The tenant of the API key that made it; "default" for console requests. */
  tenant: string;
}

export const OPERATOR_TENANT = 'default';

/** Console sessions and default-tenant keys: their roles apply to the whole installation. */
export function isOperator(p: Principal): boolean {
  return p.kind === 'user' || p.tenant === OPERATOR_TENANT;
}

export function canReadDecision(p: Principal, d: DecisionOwner): boolean {
  if (d.principalId !== null && d.principalId === p.id) return true;
  if (!hasRole(p.role, 'analyst')) return false;
  return isOperator(p) || d.tenant === p.tenant;
}

export function canRateDecision(p: Principal, d: DecisionOwner): boolean {
  return d.tenant === p.tenant && canReadDecision(p, d);
}

/** The list filter that shows `p` exactly the decisions it may read. */
export function decisionScope(p: Principal): { principalId?: string; tenant?: string } {
  if (!hasRole(p.role, 'analyst')) return { principalId: p.id };
  return isOperator(p) ? {} : { tenant: p.tenant };
}
