import { TARGET_RANK } from '../routing/plan';
import type { RouteTarget } from '../routing/policy';

/**
 * Admission priority of one tier call (lower is served first). Short, simple queries go before
 * research; batch items go after every live request, so an uploaded file never delays a person
 * waiting for an answer.
 */
export function admissionPriority(target: RouteTarget, source: string): number {
  const live = TARGET_RANK[target];
  return source === 'batch' ? live + Object.keys(TARGET_RANK).length : live;
}
