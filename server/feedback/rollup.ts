// Success rates read from FeedbackRollup (never from Feedback or Decision): per tier x band x policy
// version x day, with Wilson 95 % intervals, for the quality dashboards and the tuner.
import type { PrismaClient } from '../db/client';
import { wilson, type Interval, type Proportion } from './stats';

export interface SuccessFilter {
  /** Inclusive day range (UTC) of the decisions. */
  from?: Date;
  to?: Date;
  tier?: string;
  band?: string;
  policyVersion?: number;
  /** Only cache hits ('exact' | 'semantic'), only misses, or everything (default). */
  cache?: 'hits' | 'misses' | 'all';
}

export const SUCCESS_DIMENSIONS = ['day', 'tier', 'band', 'policyVersion'] as const;
export type SuccessDimension = (typeof SUCCESS_DIMENSIONS)[number];

export interface SuccessRow extends Interval {
  day?: string;
  tier?: string;
  band?: string;
  policyVersion?: number;
  up: number;
}

function where(f: SuccessFilter) {
  return {
    ...(f.from || f.to ? { day: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lte: f.to } : {}) } } : {}),
    ...(f.tier !== undefined ? { tier: f.tier } : {}),
    ...(f.band !== undefined ? { band: f.band } : {}),
    ...(f.policyVersion !== undefined ? { policyVersion: f.policyVersion } : {}),
    ...(f.cache === 'hits' ? { cacheStatus: { in: ['exact', 'semantic'] } } : f.cache === 'misses' ? { cacheStatus: { notIn: ['exact', 'semantic'] } } : {}),
  };
}

/** Success rates grouped by the chosen dimensions (default: all four; none: one overall row). */
export async function successRates(prisma: PrismaClient, filter: SuccessFilter = {}, by: readonly SuccessDimension[] = SUCCESS_DIMENSIONS): Promise<SuccessRow[]> {
  // Grouped by every dimension in SQL (the rollup is small), then merged to the requested ones here,
  // which keeps the Prisma call statically typed.
  const groups = await prisma.feedbackRollup.groupBy({
    by: ['day', 'tier', 'band', 'policyVersion'],
    where: where(filter),
    _sum: { ratings: true, up: true },
    orderBy: [{ day: 'asc' }, { tier: 'asc' }, { band: 'asc' }, { policyVersion: 'asc' }],
  });
  const merged = new Map<string, { key: Partial<SuccessRow>; n: number; up: number }>();
  for (const g of groups) {
    const key: Partial<SuccessRow> = {};
    if (by.includes('day')) key.day = g.day.toISOString().slice(0, 10);
    if (by.includes('tier')) key.tier = g.tier;
    if (by.includes('band')) key.band = g.band;
    if (by.includes('policyVersion')) key.policyVersion = g.policyVersion;
    const k = JSON.stringify(key);
    const m = merged.get(k) ?? { key, n: 0, up: 0 };
    m.n += g._sum.ratings ?? 0;
    m.up += g._sum.up ?? 0;
    merged.set(k, m);
  }
  const order = (r: Partial<SuccessRow>) => [r.day ?? '', r.tier ?? '', r.band ?? '', String(r.policyVersion ?? 0).padStart(12, '0')].join('\u0000');
  return [...merged.values()]
    .sort((a, b) => (order(a.key) < order(b.key) ? -1 : order(a.key) > order(b.key) ? 1 : 0))
    .map((m) => ({ ...m.key, ...wilson(m.up, m.n), up: m.up }));
}

/** Ratings and thumbs up of all decisions made under one policy version (for the rollback test). */
export async function versionSuccess(prisma: PrismaClient, policyVersion: number, cache: SuccessFilter['cache'] = 'misses'): Promise<Proportion> {
  const s = await prisma.feedbackRollup.aggregate({ where: where({ policyVersion, cache }), _sum: { ratings: true, up: true } });
  return { successes: s._sum.up ?? 0, n: s._sum.ratings ?? 0 };
}
