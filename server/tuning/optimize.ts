// Threshold optimizer: over a grid of (t1 < t2), the thresholds whose routing of a population of
// prompts minimises expected cost subject to expected success >= target. Exhaustive over the grid
// with prefix sums (O(N log N + G^2)), so there is no local optimum to get stuck in.
import type { TierIndex } from './types';

export interface OptimizeItem {
  score: number;
  cost: readonly [number, number, number];
  /** Success probability (or recorded correctness) of each tier for this prompt. */
  success: readonly [number, number, number];
}

export interface OptimizeOptions {
  target: number;
  /** Candidate threshold values, any order; default 0..1 in steps of 0.005. */
  grid?: readonly number[];
  /** Smallest allowed t2 - t1. */
  minGap?: number;
  /** Allowed ranges of t1 and t2 (inclusive), e.g. the guardrail box around the current values. */
  range1?: readonly [number, number];
  range2?: readonly [number, number];
}

export interface OptimizeResult {
  t1: number;
  t2: number;
  /** Mean cost and mean success per prompt under (t1, t2). */
  cost: number;
  success: number;
  /** False when no grid point reaches the target: the result is then the most successful routing. */
  feasible: boolean;
}

export function uniformGrid(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  const n = Math.round((to - from) / step);
  for (let i = 0; i <= n; i++) out.push(Math.round((from + i * step) * 1e6) / 1e6);
  return out;
}

/** Mean cost and success of routing `items` with thresholds (score < t1 small, < t2 medium, else large). */
export function evaluate(items: readonly OptimizeItem[], t1: number, t2: number): { cost: number; success: number } {
  if (items.length === 0) return { cost: 0, success: 0 };
  let cost = 0;
  let success = 0;
  for (const it of items) {
    const k: TierIndex = it.score < t1 ? 0 : it.score < t2 ? 1 : 2;
    cost += it.cost[k];
    success += it.success[k];
  }
  return { cost: cost / items.length, success: success / items.length };
}

export function optimizeThresholds(items: readonly OptimizeItem[], opts: OptimizeOptions): OptimizeResult {
  const grid = [...new Set(opts.grid ?? uniformGrid(0, 1, 0.005))].filter(Number.isFinite).sort((a, b) => a - b);
  const minGap = opts.minGap ?? 0.01;
  if (grid.length === 0) throw new Error('optimizeThresholds: empty grid');
  const sorted = items.filter((i) => Number.isFinite(i.score)).slice().sort((a, b) => a.score - b.score);
  const n = sorted.length;
  // prefix[k][i]: sum over the i lowest-scored items of tier k's cost / success.
  const pc = [0, 1, 2].map(() => new Float64Array(n + 1));
  const ps = [0, 1, 2].map(() => new Float64Array(n + 1));
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) {
      pc[k][i + 1] = pc[k][i] + sorted[i].cost[k];
      ps[k][i + 1] = ps[k][i] + sorted[i].success[k];
    }
  }
  // cut[j]: number of items with score < grid[j].
  const cut: number[] = [];
  let c = 0;
  for (const g of grid) {
    while (c < n && sorted[c].score < g) c++;
    cut.push(c);
  }
  const denom = Math.max(n, 1);
  const need = opts.target * denom - 1e-9;
  let best: OptimizeResult | null = null;
  let bestAny: OptimizeResult | null = null;
  const inRange = (x: number, r?: readonly [number, number]) => !r || (x >= r[0] - 1e-9 && x <= r[1] + 1e-9);
  for (let a = 0; a < grid.length; a++) {
    if (!inRange(grid[a], opts.range1)) continue;
    const ia = cut[a];
    for (let b = a + 1; b < grid.length; b++) {
      if (grid[b] - grid[a] < minGap - 1e-12 || !inRange(grid[b], opts.range2)) continue;
      const ib = cut[b];
      const s = ps[0][ia] + (ps[1][ib] - ps[1][ia]) + (ps[2][n] - ps[2][ib]);
      const co = pc[0][ia] + (pc[1][ib] - pc[1][ia]) + (pc[2][n] - pc[2][ib]);
      const r = { t1: grid[a], t2: grid[b], cost: co / denom, success: s / denom, feasible: s >= need };
      if (r.feasible && (!best || r.cost < best.cost - 1e-15 || (Math.abs(r.cost - best.cost) <= 1e-15 && r.success > best.success))) best = r;
      if (!bestAny || r.success > bestAny.success + 1e-15 || (Math.abs(r.success - bestAny.success) <= 1e-15 && r.cost < bestAny.cost)) bestAny = r;
    }
  }
  if (best) return best;
  if (bestAny) return { ...bestAny, feasible: false };
  throw new Error('optimizeThresholds: the grid has no pair of thresholds at least minGap apart inside the allowed ranges');
}
