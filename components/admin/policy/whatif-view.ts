// Pure shaping of a what-if result for the policy editor's panel: the panel only draws these.
import type { SideSummary, SuccessSource } from '@/server/whatif/types';

export interface MixRow {
  route: string;
  before: number;
  after: number;
  delta: number;
}

/** Routes of both sides, tiers first by traffic before, then research / cache / refusals. */
export function mixRows(before: SideSummary['mix'], after: SideSummary['mix']): MixRow[] {
  const routes = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const special = (r: string) => r === 'research' || r.startsWith('(');
  routes.sort((a, b) => Number(special(a)) - Number(special(b)) || (before[b] ?? 0) - (before[a] ?? 0) || (after[b] ?? 0) - (after[a] ?? 0) || a.localeCompare(b));
  return routes.map((route) => ({ route, before: before[route] ?? 0, after: after[route] ?? 0, delta: (after[route] ?? 0) - (before[route] ?? 0) }));
}

export const SOURCE_TEXT: Record<SuccessSource, string> = {
  observed: 'observed',
  tier_band: 'tier × band estimate',
  tier: 'tier-wide estimate',
  unknown: 'no ratings',
};

/** "812 observed · 150 tier × band estimate · 38 no ratings" (zero counts left out). */
export function sourcesText(s: Record<SuccessSource, number>): string {
  const parts = (Object.keys(SOURCE_TEXT) as SuccessSource[]).filter((k) => s[k] > 0).map((k) => `${s[k].toLocaleString('en-US')} ${SOURCE_TEXT[k]}`);
  return parts.length ? parts.join(' · ') : 'none';
}

/** "+12.3%" / "−4.0%" / "±0%" for a relative change; en dash when unknown. */
export function signedPct(x: number | null, digits = 1): string {
  if (x === null || !Number.isFinite(x)) return '–';
  if (Math.abs(x) < 0.5 * 10 ** -(digits + 2)) return '±0%';
  return `${x > 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(digits)}%`;
}
