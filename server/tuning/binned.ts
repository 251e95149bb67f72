// Binned success estimate with shrinkage: an additive model "bin effect + tier effect" fitted on all
// ratings, and each (tier, bin) cell pulled toward it by `strength` pseudo-ratings. Unlike a monotone
// fit, it follows curves that rise and then fall with the score, and where a tier has no ratings in a
// bin (outside its band and not explored) it predicts the shape the other tiers show there, shifted
// by the tier's own level, instead of extending its last value.
import type { RatedObservation, TierIndex } from './types';

export interface BinnedFit {
  /** Upper edges of the bins except the last (ascending). */
  edges: number[];
  /** rate[tier][bin] */
  rate: number[][];
  counts: number[][];
}

function quantileEdges(sorted: number[], bins: number): number[] {
  const edges: number[] = [];
  for (let b = 1; b < bins; b++) {
    const x = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / bins))];
    if (edges.length === 0 || x > edges[edges.length - 1]) edges.push(x);
  }
  return edges;
}

export function binOf(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function fitBinned(obs: readonly RatedObservation[], opts: { bins?: number; strength?: number } = {}): BinnedFit {
  const strength = opts.strength ?? 20;
  const scores = obs.map((o) => o.score).sort((a, b) => a - b);
  const bins = Math.max(1, Math.min(opts.bins ?? 10, Math.floor(obs.length / 50) || 1));
  const edges = obs.length > 0 ? quantileEdges(scores, bins) : [];
  const nb = edges.length + 1;
  const sum = [0, 1, 2].map(() => new Array<number>(nb).fill(0));
  const cnt = [0, 1, 2].map(() => new Array<number>(nb).fill(0));
  const items = obs.map((o) => ({ b: binOf(edges, o.score), k: o.tier as TierIndex, y: Math.min(1, Math.max(0, o.success)) }));
  for (const it of items) {
    sum[it.k][it.b] += it.y;
    cnt[it.k][it.b] += 1;
  }
  // Additive model by backfitting: y ≈ binEffect[b] + tierEffect[k].
  const pooled = items.length ? items.reduce((s, i) => s + i.y, 0) / items.length : 0.5;
  const binEff = new Array<number>(nb).fill(pooled);
  const tierEff = [0, 0, 0];
  for (let iter = 0; iter < 20; iter++) {
    for (let b = 0; b < nb; b++) {
      let s = 0;
      let n = 0;
      for (let k = 0; k < 3; k++) {
        s += sum[k][b] - cnt[k][b] * tierEff[k];
        n += cnt[k][b];
      }
      binEff[b] = n > 0 ? s / n : pooled;
    }
    for (let k = 0; k < 3; k++) {
      let s = 0;
      let n = 0;
      for (let b = 0; b < nb; b++) {
        s += sum[k][b] - cnt[k][b] * binEff[b];
        n += cnt[k][b];
      }
      tierEff[k] = n > 0 ? s / n : 0;
    }
  }
  const rate = [0, 1, 2].map((k) =>
    binEff.map((be, b) => {
      const prior = Math.min(1, Math.max(0, be + tierEff[k]));
      return (sum[k][b] + strength * prior) / (cnt[k][b] + strength);
    }),
  );
  return { edges, rate, counts: cnt };
}

export function evalBinned(fit: BinnedFit, tier: TierIndex, score: number): number {
  return fit.rate[tier][binOf(fit.edges, score)];
}
