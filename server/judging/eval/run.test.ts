// The cascade replay on hand-made items (exact numbers) and on the answer fixtures (the real path:
// features, training, ONNX Runtime, chain).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOutcomes } from '../../routing/eval/run';
import type { AnswerEvidence, AnswerRow } from './evidence';
import { auc, oracleCascade, runCascadeCv, runCascadeEval, selectAnswerRows } from './run';
import { chains, simulate } from './sweep';

const row = (id: string, s: number, l: number): AnswerRow => ({
  id,
  prompt: 'q',
  tiers: [
    { model: 'S', score: s, cost: 1, answer: 'a', rating: null },
    { model: 'L', score: l, cost: 10, answer: 'b', rating: null },
  ],
});
const ev = (p: number, verified = true): AnswerEvidence => ({ validators: { ok: true }, verifiers: verified ? { ok: true, detail: null } : { ok: false, detail: 'wrong step' }, model: p, judge: null });

describe('cascade replay', () => {
  const rows = [row('a', 1, 1), row('b', 0, 1), row('c', 1, 0), row('d', 0, 1)];
  const evs = [[ev(0.9)], [ev(0.2)], [ev(0.8)], [ev(0.95, false)]];

  it('pays every attempt, delivers the accepted answer, escalates on a reject', async () => {
    const p = await simulate(rows, evs, { chain: [0, 1], cfg: { judges: ['validators', 'verifiers', 'model'], acceptThreshold: 0.5, uncertainBelow: 0.5, judgeAcceptScore: 1 } });
    // a, c accepted on S (cost 1); b rejected by the model, d by the verifier: cost 1 + 10.
    expect(p.cost).toBe((1 + 11 + 1 + 11) / 4);
    expect(p.quality).toBe((1 + 1 + 1 + 1) / 4);
    expect(p.share).toEqual([0.5, 0.5]);
    expect(p.decidedBy).toEqual({ model: 0.75, verifiers: 0.25 });
  });

  it('lists every chain that ends in the final tier, plus each tier alone', () => {
    expect(chains(3)).toEqual([[2], [0, 2], [1, 2], [0, 1, 2], [0], [1]]);
  });

  it('oracle cascade: cheapest escalations to the target, first tier always paid', () => {
    // Large-only quality 0.75; 95 % of it = 0.7125. Small alone 0.5; escalating b or d gains 0.25 at 10.
    expect(oracleCascade(rows, 0.7125)).toBeCloseTo(1 + (0.2125 / 0.25) * 2.5, 6);
    expect(oracleCascade(rows, 1.1)).toBe(Infinity);
  });

  it('auc on hand-made scores, ties counting half', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(auc([0.5, 0.5], [1, 1])).toBeNull();
  });
});

function fixture(name: string, models: string[]) {
  const { lines } = parseOutcomes(readFileSync(new URL(`../../../test/fixtures/answers/${name}`, import.meta.url), 'utf8'));
  return selectAnswerRows(lines, models).rows;
}

describe('eval-cascade on recorded answers', () => {
  const gsm = fixture('gsm8k-mixtral-gpt4.jsonl', ['mixtral-8x7b-instruct-v0.1', 'gpt-4-1106-preview']);

  it('trains on one part, replays on the other, and reports the curve against the baselines', async () => {
    const train = gsm.slice(0, 40);
    const data = gsm.slice(40);
    const r = await runCascadeEval(train, data, ['mixtral-8x7b-instruct-v0.1', 'gpt-4-1106-preview'], { judges: ['validators', 'verifiers', 'model'], train: { l2: 0.1 }, folds: 4, target: 0.95, confidence: 0.5, grid: 41, judgeSim: null, judgeAccept: [] });
    expect(r.rows).toBe(20);
    expect(r.single['gpt-4-1106-preview'].costFraction).toBe(1);
    // The frontier rises in quality as it rises in cost, and ends no higher than the best tier mix allows.
    for (let i = 1; i < r.curve.length; i++) {
      expect(r.curve[i].cost).toBeGreaterThan(r.curve[i - 1].cost);
      expect(r.curve[i].quality).toBeGreaterThan(r.curve[i - 1].quality);
    }
    const top = r.curve[r.curve.length - 1];
    expect(top.quality).toBeLessThanOrEqual(r.oracle.quality + 1e-9);
    if (r.cost_at_95 !== null) expect(r.cost_at_95).toBeGreaterThanOrEqual(r.oracle_cascade.cost_at_95!);
    expect(r.model_auc['mixtral-8x7b-instruct-v0.1']).not.toBeNull();
  });

  it('cross-validates on one file and simulates a judge tier on graded answers', async () => {
    const models = ['mistral-7b-instruct-v0.1', 'mixtral-8x7b-instruct-v0.1', 'gpt-4-1106-preview'];
    const arena = fixture('arena-bench-3tier.jsonl', models);
    const sim = { noise: 0, inputPricePerM: 0.6, outputPricePerM: 0.6, rubricChars: 1200, verdictTokens: 40, seed: 7 };
    const r = await runCascadeCv(arena, models, { judges: ['validators', 'verifiers', 'model', 'judge_tier'], train: { l2: 0.1 }, folds: 2, target: 0.95, confidence: 0.5, grid: 7, judgeSim: sim, judgeAccept: [0.78] });
    expect(r.rows).toBe(arena.length);
    // A noiseless judge that reads the grade itself recovers most of the gap: above the random mix.
    expect(r.apgr!).toBeGreaterThan(0.5);
    expect(r.curve.some((p) => p.judges.includes('judge_tier'))).toBe(true);
  });
});

describe('choosing the threshold with confidence', () => {
  it('zOf is the standard normal quantile', async () => {
    const { zOf } = await import('./run');
    expect(zOf(0.5)).toBeCloseTo(0, 9);
    expect(zOf(0.8)).toBeCloseTo(0.841621, 5);
    expect(zOf(0.975)).toBeCloseTo(1.959964, 5);
    expect(zOf(0.01)).toBeCloseTo(-2.326348, 5);
    expect(() => zOf(1)).toThrow(/confidence must be in/);
  });
  it('asks for a margin over the target that shrinks with more items', async () => {
    const { cheapestConfident } = await import('./sweep');
    const rows = Array.from({ length: 100 }, (_, i) => row(`r${i}`, 0, 1));
    const pt = (share: number, cost: number) => ({ quality: share, cost, share: [], decidedBy: {}, judgeCost: 0, setting: { chain: [0, 1], cfg: { judges: [], acceptThreshold: cost, uncertainBelow: 0, judgeAcceptScore: 1 } }, scores: Float32Array.from(rows, (_, i) => (i < share * 100 ? 1 : 0)) });
    const points = [pt(0.95, 1), pt(0.99, 2), pt(1, 3)];
    expect(cheapestConfident(rows, points, 0.95, 0)?.cost).toBe(1);
    // At 80 % confidence, 95 of 100 is not enough (sd of d ~0.22, se ~0.022); 99 of 100 is.
    expect(cheapestConfident(rows, points, 0.95, 0.8416)?.cost).toBe(2);
  });
});
