// The arithmetic of offline routing evaluation, kept pure so it can be tested on hand-made numbers.
// Quality is the mean outcome score of the model each prompt was routed to; cost the mean USD.
//
// Definitions (as in RouteLLM / RouterBench):
// - random mix: send a random share of prompts to one tier and the rest to another; its curve is the
//   upper hull of the single tiers' points, interpolated linearly.
// - oracle: every prompt goes to the cheapest tier with the best score on it.
// - cost_at_95: the least cost (as a fraction of the large tier's) at which quality reaches 95 % of
//   the large tier's quality. For the router, only swept settings count (no interpolation).
// - APGR: the performance gap recovered, PGR = (q - q_small) / (q_large - q_small), averaged over the
//   normalised cost axis x = (cost - c_small) / (c_large - c_small) in [0, 1], where the router's
//   quality at x is the best swept setting costing no more than x (a step function: conservative).
import type { RouteTarget } from '../policy';

export type Tier = Exclude<RouteTarget, 'research'>;
export const TIERS: Tier[] = ['small', 'medium', 'large'];

export interface Outcome {
  score: number;
  cost: number;
}
export type OutcomeRow = Record<Tier, Outcome>;

export interface Point {
  quality: number;
  cost: number;
}

export function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

/** Quality and cost of sending row i to assignment[i]. */
export function evaluate(rows: OutcomeRow[], assignment: Tier[]): Point & { share: Record<Tier, number> } {
  if (rows.length !== assignment.length) throw new Error('assignment length differs from rows');
  if (rows.length === 0) throw new Error('no rows to evaluate');
  let q = 0;
  let c = 0;
  const count: Record<Tier, number> = { small: 0, medium: 0, large: 0 };
  rows.forEach((r, i) => {
    const t = assignment[i];
    q += r[t].score;
    c += r[t].cost;
    count[t]++;
  });
  const n = rows.length;
  return { quality: q / n, cost: c / n, share: { small: count.small / n, medium: count.medium / n, large: count.large / n } };
}

export function singleTier(rows: OutcomeRow[], tier: Tier): Point {
  const { quality, cost } = evaluate(rows, rows.map(() => tier));
  return { quality, cost };
}

/** Per row, the cheapest tier with the best score. */
export function oracle(rows: OutcomeRow[]): Point {
  const pick = rows.map((r) => {
    const best = Math.max(...TIERS.map((t) => r[t].score));
    return TIERS.filter((t) => r[t].score === best).sort((a, b) => r[a].cost - r[b].cost)[0];
  });
  const { quality, cost } = evaluate(rows, pick);
  return { quality, cost };
}

/** Points no other point beats on both axes, by ascending cost and strictly ascending quality. */
export function paretoFrontier<P extends Point>(points: P[]): P[] {
  const sorted = [...points].sort((a, b) => a.cost - b.cost || b.quality - a.quality);
  const out: P[] = [];
  for (const p of sorted) if (out.length === 0 || p.quality > out[out.length - 1].quality) out.push(p);
  return out;
}

/** Upper concave hull of the frontier: what random mixing of these points can reach. */
export function upperHull(points: Point[]): Point[] {
  const h: Point[] = [];
  for (const p of paretoFrontier(points)) {
    while (h.length >= 2) {
      const [a, b] = [h[h.length - 2], h[h.length - 1]];
      // drop b when it lies on or below the segment a -> p
      const cross = (b.cost - a.cost) * (p.quality - a.quality) - (b.quality - a.quality) * (p.cost - a.cost);
      if (cross >= 0) h.pop();
      else break;
    }
    h.push(p);
  }
  return h;
}

/** Least cost reaching `target` quality: among the points, or along the segments between hull points. */
export function costToReach(points: Point[], target: number, interpolate: boolean): number | null {
  if (!interpolate) {
    const ok = points.filter((p) => p.quality >= target);
    return ok.length ? Math.min(...ok.map((p) => p.cost)) : null;
  }
  const h = upperHull(points);
  if (h.length && h[0].quality >= target) return h[0].cost;
  for (let i = 1; i < h.length; i++) {
    const [a, b] = [h[i - 1], h[i]];
    if (b.quality >= target) return a.cost + ((target - a.quality) / (b.quality - a.quality)) * (b.cost - a.cost);
  }
  return null;
}

/** Fraction of the large tier's cost needed to reach 95 % of its quality; null when never reached. */
export function costAt95(points: Point[], large: Point, interpolate: boolean): number | null {
  if (!(large.cost > 0)) return null;
  const c = costToReach(points, 0.95 * large.quality, interpolate);
  return c === null ? null : c / large.cost;
}

export function apgr(points: Point[], small: Point, large: Point, steps = 1000): number | null {
  const gap = large.quality - small.quality;
  const span = large.cost - small.cost;
  if (!(gap > 0) || !(span > 0)) return null;
  const front = paretoFrontier(points);
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const budget = small.cost + (i / steps) * span;
    let q = -Infinity;
    for (const p of front) if (p.cost <= budget + 1e-15) q = p.quality;
    // Below the cheapest setting nothing is recovered (the small tier's quality is the floor).
    sum += q === -Infinity ? 0 : (q - small.quality) / gap;
  }
  return sum / (steps + 1);
}

/**
 * Threshold candidates: score quantiles, so the sweep is dense where the scores are. Includes 0
 * (everything above) and a value above the maximum (everything below).
 */
export function thresholdCandidates(scores: number[], count = 41): number[] {
  if (scores.length === 0) return [0, 1.000001];
  const s = [...scores].sort((a, b) => a - b);
  const set = new Set<number>([0]);
  for (let i = 1; i < count - 1; i++) set.add(s[Math.min(s.length - 1, Math.floor((i / (count - 1)) * s.length))]);
  set.add(s[s.length - 1] + 1e-6);
  return [...set].sort((a, b) => a - b);
}
