// Per-tier success probability as a function of the complexity score, from rated decisions.
import { evalBinned, fitBinned } from './binned';
import { evalStep, fitMonotone, type StepFit } from './isotonic';
import { evalLogistic, fitLogistic, type LogisticFit } from './logistic';
import type { RatedObservation, TierIndex } from './types';

export interface EstimatorOptions {
  method?: 'isotonic' | 'logistic' | 'binned';
  /** Binned: number of score bins (quantiles of the rated scores) and the shrinkage strength. */
  bins?: number;
  strength?: number;
  /** Isotonic: direction of the fit; 'auto' lets the data choose per tier. */
  direction?: 'increasing' | 'decreasing' | 'auto';
  /**
   * Isotonic: ratings are first pooled into consecutive bins of this many (by score), so a single
   * lucky rating at an extreme score cannot become a block of success rate 1.
   */
  minBin?: number;
  /** Logistic: ridge on the slope. */
  ridge?: number;
}

export interface TierSummary {
  n: number;
  rate: number;
  method: 'isotonic' | 'logistic' | 'binned' | 'constant';
  direction?: 'increasing' | 'decreasing';
}

export interface SuccessModel {
  predict(tier: TierIndex, score: number): number;
  summary: [TierSummary, TierSummary, TierSummary];
}

function binned(points: { x: number; y: number }[], minBin: number): { x: number; y: number; w: number }[] {
  const sorted = points.slice().sort((a, b) => a.x - b.x);
  const out: { x: number; y: number; w: number }[] = [];
  for (let i = 0; i < sorted.length; i += minBin) {
    const chunk = sorted.slice(i, i + minBin);
    // A short last chunk joins the previous bin rather than standing alone.
    if (chunk.length < minBin && out.length > 0) {
      const prev = out[out.length - 1];
      const sum = prev.y * prev.w + chunk.reduce((s, p) => s + p.y, 0);
      prev.w += chunk.length;
      prev.y = sum / prev.w;
      continue;
    }
    out.push({ x: chunk[0].x, y: chunk.reduce((s, p) => s + p.y, 0) / chunk.length, w: chunk.length });
  }
  return out;
}

/**
 * Fits one curve per tier. A tier without ratings predicts the pooled rate of all ratings (or 0.5
 * with none at all): an honest "we do not know", which exploration then corrects.
 */
export function estimateSuccess(obs: readonly RatedObservation[], opts: EstimatorOptions = {}): SuccessModel {
  const method = opts.method ?? 'binned';
  const valid = obs.filter((o) => Number.isFinite(o.score) && Number.isFinite(o.success));
  const pooled = valid.length > 0 ? valid.reduce((s, o) => s + Math.min(1, Math.max(0, o.success)), 0) / valid.length : 0.5;
  if (method === 'binned') {
    const fit = fitBinned(valid, { bins: opts.bins, strength: opts.strength });
    const summary = ([0, 1, 2] as const).map((k): TierSummary => {
      const n = fit.counts[k].reduce((a, b) => a + b, 0);
      const mine = valid.filter((o) => o.tier === k);
      return { n, rate: n ? mine.reduce((s, o) => s + Math.min(1, Math.max(0, o.success)), 0) / n : pooled, method: 'binned' };
    });
    return { predict: (tier, score) => evalBinned(fit, tier, score), summary: summary as [TierSummary, TierSummary, TierSummary] };
  }
  const predictors: ((score: number) => number)[] = [];
  const summary: TierSummary[] = [];
  for (const tier of [0, 1, 2] as const) {
    const pts = valid.filter((o) => o.tier === tier).map((o) => ({ x: o.score, y: Math.min(1, Math.max(0, o.success)) }));
    const rate = pts.length > 0 ? pts.reduce((s, p) => s + p.y, 0) / pts.length : pooled;
    if (pts.length < 2) {
      predictors.push(() => rate);
      summary.push({ n: pts.length, rate, method: 'constant' });
    } else if (method === 'logistic') {
      const fit: LogisticFit = fitLogistic(pts.map((p) => p.x), pts.map((p) => p.y), undefined, opts.ridge ?? 1);
      predictors.push((s) => evalLogistic(fit, s));
      summary.push({ n: pts.length, rate, method: 'logistic', direction: fit.b > 0 ? 'increasing' : 'decreasing' });
    } else {
      const fit: StepFit = fitMonotone(binned(pts, Math.max(1, opts.minBin ?? 25)), opts.direction ?? 'auto');
      predictors.push((s) => evalStep(fit, s, rate));
      summary.push({ n: pts.length, rate, method: 'isotonic', direction: fit.direction });
    }
  }
  return {
    predict: (tier, score) => predictors[tier](score),
    summary: summary as [TierSummary, TierSummary, TierSummary],
  };
}
