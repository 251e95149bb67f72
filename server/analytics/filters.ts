// Dashboard / explorer filters: one zod schema shared by the tRPC procedures and the pages that
// keep the filters in the URL, so a hand-edited URL gets the same validation as a form.
import { z } from 'zod';
import { BANDS } from '../complexity/types';
import { DOORS } from '../contracts/chat';

const DAY = 86_400_000;
export const MAX_RANGE_DAYS = 400;

export const dashboardFiltersSchema = z
  .object({
    from: z.coerce.date(),
    to: z.coerce.date(),
    apiKeyId: z.string().max(200).optional(),
    tier: z.string().max(200).optional(),
    band: z.enum(BANDS).optional(),
    policyVersion: z.coerce.number().int().min(0).optional(),
  })
  .refine((f) => f.from.getTime() < f.to.getTime(), { path: ['to'], message: 'the end must be after the start' })
  .refine((f) => f.to.getTime() - f.from.getTime() <= MAX_RANGE_DAYS * DAY, { path: ['from'], message: `at most ${MAX_RANGE_DAYS} days` });

export type DashboardFilters = z.infer<typeof dashboardFiltersSchema>;

/** Hourly buckets for short ranges, daily otherwise, so charts stay around 24-400 points. */
export function granularityFor(f: { from: Date; to: Date }): 'hour' | 'day' {
  return f.to.getTime() - f.from.getTime() <= 3 * DAY ? 'hour' : 'day';
}

/** Reads filters from URL search params; invalid or missing values fall back to the last 7 days. */
export function filtersFromSearch(params: URLSearchParams, now = new Date()): { filters: DashboardFilters; error: string | null } {
  const raw: Record<string, string> = {};
  for (const k of ['from', 'to', 'apiKeyId', 'tier', 'band', 'policyVersion']) {
    const v = params.get(k);
    if (v) raw[k] = v;
  }
  const defaults = { from: new Date(now.getTime() - 7 * DAY), to: now };
  const parsed = dashboardFiltersSchema.safeParse({ ...defaults, ...raw });
  if (parsed.success) return { filters: parsed.data, error: null };
  const issue = parsed.error.issues[0];
  return { filters: dashboardFiltersSchema.parse(defaults), error: `${issue.path.join('.') || 'filters'}: ${issue.message}` };
}

export const decisionListSchema = z.object({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  apiKeyId: z.string().max(200).optional(),
  tier: z.string().max(200).optional(),
  band: z.enum(BANDS).optional(),
  status: z.enum(['ok', 'error', 'partial', 'rejected']).optional(),
  cacheStatus: z.enum(['miss', 'exact', 'semantic', 'bypass', 'off']).optional(),
  door: z.enum(DOORS).optional(),
  q: z.string().trim().max(200).optional(),
  /** Keyset cursor "<iso time>_<id>" of the last row of the previous page. */
  after: z.string().max(100).optional(),
  /** Keyset cursor of the first row of the next page (paging backwards). */
  before: z.string().max(100).optional(),
  pageSize: z.number().int().min(1).max(5000).default(50),
});
export type DecisionListInput = z.infer<typeof decisionListSchema>;

export function encodeCursor(createdAt: Date, id: string): string {
  return `${createdAt.toISOString()}_${id}`;
}

export function decodeCursor(c: string | undefined): { at: Date; id: string } | null {
  if (!c) return null;
  const i = c.indexOf('_');
  if (i < 0) return null;
  const at = new Date(c.slice(0, i));
  const id = c.slice(i + 1);
  if (Number.isNaN(at.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return { at, id };
}
