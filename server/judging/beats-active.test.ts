// The scheduled retrain registers a candidate only when it beats the active version on the held-out slice.
import { describe, expect, it } from 'vitest';
import type { Candidate } from './retrain';
import { beatsActive } from './retrain-run';

const c = (kind: Candidate['kind'], metrics: Record<string, unknown>): Candidate => ({ kind, version: 'v', onnx: new Uint8Array(), meta: {}, metrics, dataWindow: '' });

describe('beatsActive', () => {
  it('compares held-out AUC for answer-quality and macro-F1 for complexity', () => {
    expect(beatsActive(c('answer-quality', { candidate: { auc: 0.81 }, active: { auc: 0.8 } }))).toBe(true);
    expect(beatsActive(c('answer-quality', { candidate: { auc: 0.8 }, active: { auc: 0.8 } }))).toBe(false);
    expect(beatsActive(c('complexity', { candidate: { macroF1: 0.7, auc: 0.9 }, active: { macroF1: 0.75, auc: 0.1 } }))).toBe(false);
  });

  it('takes any figure when there is no active score, and never a candidate without one', () => {
    expect(beatsActive(c('answer-quality', { candidate: { auc: 0.6 }, active: null }))).toBe(true);
    expect(beatsActive(c('answer-quality', { candidate: { auc: null }, active: null }))).toBe(false);
  });
});
