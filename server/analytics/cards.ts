// The numbers on the dashboard's cards, computed from the very series its charts draw (never from
// the rows a second time): a card can then never say something its chart does not show (a hit
// rate over buckets the chart leaves out, money rounded differently). Pure.
import type { SavingsSummary, StackedSeries } from './prepare-cost';
import type { RatePoint } from './prepare-traffic';
import { ratio, roundUsd } from './stats';

export interface DashboardCards {
  requests: number;
  spentUsd: number;
  baselineUsd: number;
  savedUsd: number;
  savedShare: number | null;
  cacheHitRate: number | null;
  escalationRate: number | null;
}

const sumStacked = (s: StackedSeries) => s.points.reduce((a, p) => a + s.keys.reduce((b, k) => b + (Number(p[k]) || 0), 0), 0);

export function deriveCards(d: { traffic: StackedSeries; cost: StackedSeries; savings: SavingsSummary; cache: { points: RatePoint[] }; escalations: { points: RatePoint[] } }): DashboardCards {
  const requests = sumStacked(d.traffic);
  const baseline = d.savings.points.reduce((a, p) => a + p.baseline, 0);
  const spent = sumStacked(d.cost);
  const rateOf = (points: RatePoint[]) => ratio(points.reduce((a, p) => a + p.count, 0), points.reduce((a, p) => a + p.requests, 0));
  return {
    requests,
    spentUsd: roundUsd(spent),
    baselineUsd: roundUsd(baseline),
    savedUsd: roundUsd(baseline - spent),
    savedShare: ratio(baseline - spent, baseline),
    cacheHitRate: rateOf(d.cache.points),
    escalationRate: rateOf(d.escalations.points),
  };
}
