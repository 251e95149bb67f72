// Summary of closed-loop simulations over several seeds: one seed says little when the result's
// spread across seeds is as wide as the tolerance being judged (docs/notes/tuning.md, "Is the goal reachable").

export interface RunOutcome {
  seed: number;
  final_cost: number;
  final_success: number;
  cost_ratio: number;
}

export interface Spread {
  mean: number;
  median: number;
  min: number;
  max: number;
}

function spread(xs: readonly number[]): Spread {
  const s = xs.slice().sort((a, b) => a - b);
  const n = s.length;
  const r = (x: number) => Number(x.toFixed(6));
  if (n === 0) return { mean: NaN, median: NaN, min: NaN, max: NaN };
  return { mean: r(s.reduce((a, b) => a + b, 0) / n), median: r((s[(n - 1) >> 1] + s[n >> 1]) / 2), min: r(s[0]), max: r(s[n - 1]) };
}

/**
 * Counts are given under two readings of "success at the target": at or above it (strict), and within
 * ±0.005 of it (about half the standard error of a success rate estimated from 2,000 ratings).
 */
export function summarizeRuns(runs: readonly RunOutcome[], target: number) {
  const cost5 = (r: RunOutcome) => Math.abs(r.cost_ratio - 1) <= 0.05;
  const atOrAbove = (r: RunOutcome) => r.final_success >= target - 1e-9;
  const near = (r: RunOutcome) => Math.abs(r.final_success - target) <= 0.005 + 1e-9;
  return {
    runs: runs.length,
    cost_ratio: spread(runs.map((r) => r.cost_ratio)),
    final_success: spread(runs.map((r) => r.final_success)),
    cost_within_5pct: runs.filter(cost5).length,
    success_at_or_above_target: runs.filter(atOrAbove).length,
    goal_met_strict: runs.filter((r) => cost5(r) && atOrAbove(r)).length,
    goal_met_within_0_005: runs.filter((r) => cost5(r) && near(r)).length,
  };
}

/** "3", "1-10" or "1,4,7" (ranges allowed in a list: "1-3,8"). */
export function parseSeeds(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new Error(`--seeds must look like 1-10 or 1,2,3, got "${text}"`);
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (b < a || b - a > 10_000) throw new Error(`--seeds range ${part.trim()} is empty or too long`);
    for (let s = a; s <= b; s++) out.push(s);
  }
  return out;
}
