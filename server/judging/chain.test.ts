import { describe, expect, it } from 'vitest';
import { runChain, type ChainConfig, type Evidence } from './chain';

const cfg: ChainConfig = { judges: ['judge_tier', 'model', 'verifiers', 'validators'], acceptThreshold: 0.7, uncertainBelow: 0.4, judgeAcceptScore: 0.6 };

function evidence(p: number | null, opts: { valid?: boolean; verified?: boolean; judge?: number } = {}) {
  const asked: string[] = [];
  const ev: Evidence = {
    validators: () => (asked.push('validators'), opts.valid === false ? { ok: false, detail: 'refusal: the answer is a refusal' } : { ok: true }),
    verifiers: () => (asked.push('verifiers'), opts.verified === false ? { ok: false, detail: '1 of 2 arithmetic steps are wrong' } : { ok: true, detail: null }),
    model: async () => (asked.push('model'), p),
    judgeTier: opts.judge === undefined ? undefined : async () => (asked.push('judge_tier'), { score: opts.judge!, costUsd: 0.002, detail: 'grade' }),
  };
  return { ev, asked };
}

describe('runChain', () => {
  it('runs cheapest first and stops at the first decisive verdict', async () => {
    const { ev, asked } = evidence(0.9, { valid: false, judge: 1 });
    const o = await runChain(cfg, ev);
    expect(o).toMatchObject({ accepted: false, decidedBy: 'validators', costUsd: 0 });
    expect(asked).toEqual(['validators']);
  });

  it('a wrong arithmetic step rejects before the model is asked', async () => {
    const { ev, asked } = evidence(0.95, { verified: false, judge: 1 });
    expect(await runChain(cfg, ev)).toMatchObject({ accepted: false, decidedBy: 'verifiers' });
    expect(asked).toEqual(['validators', 'verifiers']);
  });

  it('the model accepts above the threshold and rejects below the uncertain band without paying the judge', async () => {
    const hi = evidence(0.8, { judge: 0 });
    expect(await runChain(cfg, hi.ev)).toMatchObject({ accepted: true, decidedBy: 'model' });
    const lo = evidence(0.2, { judge: 1 });
    expect(await runChain(cfg, lo.ev)).toMatchObject({ accepted: false, decidedBy: 'model' });
    expect(lo.asked).not.toContain('judge_tier');
  });

  it('an uncertain score goes to the judge tier, whose cost is counted', async () => {
    const good = await runChain(cfg, evidence(0.5, { judge: 0.8 }).ev);
    expect(good).toMatchObject({ accepted: true, decidedBy: 'judge_tier', costUsd: 0.002 });
    expect(good.verdicts.map((v) => v.verdict)).toEqual(['abstain', 'abstain', 'abstain', 'accept']);
    expect(await runChain(cfg, evidence(0.5, { judge: 0.3 }).ev)).toMatchObject({ accepted: false, decidedBy: 'judge_tier' });
  });

  it('without a later judge the model decides the uncertain band itself (reject below the accept threshold)', async () => {
    expect(await runChain(cfg, evidence(0.5).ev)).toMatchObject({ accepted: false, decidedBy: 'model' });
  });

  it('accepts when no judge objects (no model loaded)', async () => {
    const o = await runChain({ ...cfg, judges: ['validators', 'model'] }, evidence(null).ev);
    expect(o).toMatchObject({ accepted: true, decidedBy: null });
    expect(o.verdicts[1]).toMatchObject({ judge: 'model', verdict: 'abstain', detail: 'no answer-quality model loaded' });
  });
});
