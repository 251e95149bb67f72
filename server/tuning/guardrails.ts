// Guardrails on a threshold change: minimum samples, maximum step per change, floor and ceiling,
// and the order t1 < t2 < t3 the policy schema demands. The tuner may propose anything; only what
// passes through here is ever written to a policy version.
import type { Thresholds, TunerConfig } from './types';

export interface GuardedChange {
  thresholds: Thresholds;
  changed: boolean;
  /** Why values differ from the proposal, for the change's evidence. */
  notes: string[];
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

export function applyGuardrails(
  current: Thresholds,
  proposed: Pick<Thresholds, 't1' | 't2'>,
  cfg: Pick<TunerConfig, 'minSamples' | 'maxStep' | 'floor' | 'ceiling'>,
  samples: number,
  minGap = 0.01,
): GuardedChange {
  const notes: string[] = [];
  if (samples < cfg.minSamples) {
    return { thresholds: current, changed: false, notes: [`only ${samples} rated decisions, need ${cfg.minSamples}`] };
  }
  // t3 (at most 1) must stay above t2, so t2 can never reach 1 whatever the ceiling says.
  const ceiling = Math.min(cfg.ceiling, 1 - minGap);
  if (!(cfg.floor + minGap <= ceiling)) {
    return { thresholds: current, changed: false, notes: [`floor ${cfg.floor} and ceiling ${cfg.ceiling} leave no room for two thresholds`] };
  }
  const step = (from: number, to: number, name: string) => {
    if (Math.abs(to - from) > cfg.maxStep) {
      notes.push(`${name} step limited to ${cfg.maxStep}`);
      return from + Math.sign(to - from) * cfg.maxStep;
    }
    return to;
  };
  // Each bound is applied so that the result is inside [floor, ceiling] whenever the current value is,
  // and never moves more than maxStep from it.
  const within = (from: number, x: number, name: string) => {
    const lo = Math.max(cfg.floor, from - cfg.maxStep);
    const hi = Math.min(ceiling, from + cfg.maxStep);
    if (lo > hi) return from > ceiling ? Math.max(from - cfg.maxStep, ceiling) : Math.min(from + cfg.maxStep, cfg.floor);
    const y = clamp(x, lo, hi);
    if (y !== x && !notes.some((n) => n.startsWith(name))) notes.push(`${name} held within [${round(lo)}, ${round(hi)}]`);
    return y;
  };
  let t1 = within(current.t1, step(current.t1, proposed.t1, 't1'), 't1');
  let t2 = within(current.t2, step(current.t2, proposed.t2, 't2'), 't2');
  if (t2 - t1 < minGap) {
    // Keep the order by giving up part of whichever threshold moved; the midpoint stays put.
    const mid = clamp((t1 + t2) / 2, cfg.floor + minGap / 2, ceiling - minGap / 2);
    t1 = mid - minGap / 2;
    t2 = mid + minGap / 2;
    notes.push('t1 and t2 kept at least ' + minGap + ' apart');
  }
  let t3 = current.t3;
  if (t3 - t2 < minGap) {
    // The research threshold is not tuned, but it must stay above t2.
    t3 = Math.min(1, t2 + minGap);
    notes.push('t3 pushed above t2');
  }
  const thresholds = { t1: round(t1), t2: round(t2), t3: round(t3) };
  const changed = thresholds.t1 !== current.t1 || thresholds.t2 !== current.t2 || thresholds.t3 !== current.t3;
  return { thresholds, changed, notes };
}
