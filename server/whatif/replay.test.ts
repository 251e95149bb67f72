import { describe, expect, it } from 'vitest';
import type { Assessment, Band } from '../complexity/types';
import { wilson } from '../feedback/stats';
import { decide } from '../routing/decide';
import { defaultPolicy, type Policy } from '../routing/policy';
import { readPlan, replayWhatIf, successTable } from './replay';
import type { ReplayDecision, SuccessCount, TierPrice } from './types';

const TIERS: TierPrice[] = [
  { name: 'small', enabled: true, inputPricePerM: 0.1, outputPricePerM: 0.2 },
  { name: 'medium', enabled: true, inputPricePerM: 1, outputPricePerM: 2 },
  { name: 'large', enabled: true, inputPricePerM: 10, outputPricePerM: 20 },
];
const states = new Map(TIERS.map((t) => [t.name, { enabled: true, breaker: 'closed' as const, queued: 0 }]));
const priceOf = (tier: string, tin: number, tout: number) => {
  const t = TIERS.find((x) => x.name === tier)!;
  return (tin * t.inputPricePerM + tout * t.outputPricePerM) / 1e6;
};

let seq = 0;
/** A decision as the gateway would have recorded it under `policy`, answered by its first tier. */
function recorded(score: number, band: Band, o: Partial<ReplayDecision> & { policy?: Policy; forcedTier?: string } = {}): ReplayDecision {
  const plan = decide({ score, band } as Assessment, o.policy ?? defaultPolicy(), states, { prompt: 'p', forcedTier: o.forcedTier ?? null });
  const tier = plan.chain[0] ?? null;
  return {
    id: `d${++seq}`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, seq)), apiKeyId: null, promptPreview: 'a prompt', score, band, plan,
    finalTier: tier, cacheStatus: 'miss', status: 'ok', costUsd: tier ? priceOf(tier, 1000, 500) : 0, answerTokensIn: 1000, answerTokensOut: 500,
    ratingsUp: 0, ratingsDown: 0, ...o,
  };
}

const SUCCESS: SuccessCount[] = [
  { tier: 'small', band: 'simple', up: 80, n: 100 },
  { tier: 'medium', band: 'simple', up: 45, n: 50 },
  { tier: 'medium', band: 'moderate', up: 90, n: 100 },
  { tier: 'large', band: 'moderate', up: 19, n: 20 },
];

describe('replayWhatIf', () => {
  it('changes nothing when the draft is the policy the decisions were made under', () => {
    const ds = [recorded(0.1, 'simple'), recorded(0.4, 'moderate'), recorded(0.7, 'complex'), recorded(0.2, 'simple', { ratingsUp: 1 })];
    const r = replayWhatIf({ decisions: ds, draft: defaultPolicy(), tiers: TIERS, success: SUCCESS });
    expect(r.replayed).toBe(4);
    expect(r.unchanged).toBe(4);
    expect(r.changed).toBe(0);
    expect(r.after.costUsd).toBeCloseTo(r.before.costUsd, 12);
    expect(r.costDelta).toBeCloseTo(0, 12);
    expect(r.after.success).toEqual(r.before.success);
    expect(r.after.mix).toEqual(r.before.mix);
    expect(r.samples).toEqual([]);
  });

  it('moves decisions across a lowered threshold, prices them at the new tier and extrapolates their success', () => {
    const ds = [recorded(0.1, 'simple'), recorded(0.2, 'simple'), recorded(0.4, 'moderate')];
    const draft = { ...defaultPolicy(), thresholds: { t1: 0.05, t2: 0.55, t3: 0.8 } };
    const r = replayWhatIf({ decisions: ds, draft, tiers: TIERS, success: SUCCESS });
    expect(r.changed).toBe(2);
    expect(r.unchanged).toBe(1);
    expect(r.before.mix).toEqual({ small: 2, medium: 1 });
    expect(r.after.mix).toEqual({ medium: 3 });
    const before = 2 * priceOf('small', 1000, 500) + priceOf('medium', 1000, 500);
    expect(r.before.costUsd).toBeCloseTo(before, 12);
    expect(r.after.costUsd).toBeCloseTo(3 * priceOf('medium', 1000, 500), 12);
    expect(r.costDeltaPct).toBeCloseTo((3 * priceOf('medium', 1000, 500) - before) / before, 9);
    // before: small x simple (0.8) twice, medium x moderate (0.9); after: medium x simple (0.9) twice, 0.9.
    expect(r.before.success!.rate).toBeCloseTo((0.8 + 0.8 + 0.9) / 3, 9);
    expect(r.after.success!.rate).toBeCloseTo(0.9, 9);
    expect(r.after.sources).toEqual({ observed: 0, tier_band: 3, tier: 0, unknown: 0 });
    expect(r.extrapolated).toBe(2);
    expect(r.samples.map((s) => [s.from, s.to, s.kind, s.sourceAfter])).toEqual([
      ['small', 'medium', 'changed', 'tier_band'],
      ['small', 'medium', 'changed', 'tier_band'],
    ]);
    expect(r.samples[0].costAfter).toBeCloseTo(priceOf('medium', 1000, 500), 12);
  });

  it('keeps an observed rating when the draft starts at the tier that answered after escalating', () => {
    // Routed to small, escalated to large, answered and rated down; the draft sends it to large directly.
    const d = recorded(0.25, 'moderate', { finalTier: 'large', ratingsDown: 1, costUsd: priceOf('small', 1000, 20) + priceOf('large', 1000, 500) });
    const draft = { ...defaultPolicy(), targets: { small: 'large', medium: 'medium', large: 'large' }, escalation: { small: [], medium: ['large'], large: [] } };
    const r = replayWhatIf({ decisions: [d], draft, tiers: TIERS, success: SUCCESS });
    expect(r.samples[0]).toMatchObject({ from: 'large', to: 'large', kind: 'shortcut', successAfter: 0, sourceAfter: 'observed' });
    expect(r.after.costUsd).toBeCloseTo(priceOf('large', 1000, 500), 12);
    expect(r.extrapolated).toBe(0);
  });

  it('counts cache hits, forced tiers, budget refusals and unscored decisions as recorded', () => {
    const ds = [
      recorded(0.1, 'simple', { cacheStatus: 'exact', costUsd: 0 }),
      recorded(0.1, 'simple', { forcedTier: 'large' }),
      { ...recorded(0.1, 'simple'), status: 'rejected', finalTier: null, costUsd: 0, plan: { kind: 'reject', chain: [], errorCode: 'budget_exceeded', reasons: [] } },
      recorded(0.1, 'simple', { score: null }),
      // explored one tier up by the tuner: the draft would explore a similar share
      { ...recorded(0.1, 'simple'), finalTier: 'medium', plan: { ...(recorded(0.1, 'simple').plan as object), chain: ['medium', 'small', 'large'], exploration: { from: 'small', to: 'medium', share: 0.05 } } },
    ];
    const draft = { ...defaultPolicy(), thresholds: { t1: 0.01, t2: 0.02, t3: 0.03 } };
    const r = replayWhatIf({ decisions: ds, draft, tiers: TIERS, success: SUCCESS });
    expect(r.kept).toBe(5);
    expect(r.changed).toBe(0);
    expect(r.after.mix).toEqual(r.before.mix);
    expect(r.before.mix).toMatchObject({ '(cache)': 1, large: 1, '(rejected)': 1 });
    expect(r.before.rejected).toBe(1);
  });

  it('shows refusals by a draft rule and leaves them out of the success estimate', () => {
    const ds = [recorded(0.1, 'simple'), recorded(0.4, 'moderate')];
    const forbidAll = (['small', 'medium', 'large', 'research'] as const).map((t) => ({ id: `no-${t}`, description: '', match: { keyword: 'prompt' }, action: { type: 'forbid' as const, target: t } }));
    const r = replayWhatIf({ decisions: ds, draft: { ...defaultPolicy(), rules: forbidAll }, tiers: TIERS, success: SUCCESS });
    expect(r.after.mix).toEqual({ '(rejected)': 2 });
    expect(r.after.rejected).toBe(2);
    expect(r.after.costUsd).toBe(0);
    expect(r.after.success).toBeNull();
    expect(r.notes.some((n) => /prompt preview/.test(n))).toBe(true);
  });

  it('counts a seen failure as observed failure and an unrated tier as unknown', () => {
    const failed = recorded(0.1, 'simple', { status: 'error', finalTier: null, costUsd: 0 });
    const onNew = recorded(0.4, 'moderate', { finalTier: 'medium' });
    const tiers = [...TIERS, { name: 'fresh', enabled: true, inputPricePerM: 0.5, outputPricePerM: 0.5 }];
    const draft = { ...defaultPolicy(), targets: { small: 'small', medium: 'fresh', large: 'large' }, escalation: { small: [], medium: [], large: [] } };
    const r = replayWhatIf({ decisions: [failed, onNew], draft, tiers, success: SUCCESS });
    expect(r.before.sources).toMatchObject({ observed: 1, tier_band: 1 });
    expect(r.after.sources).toMatchObject({ observed: 1, unknown: 1 });
    expect(r.after.success).toMatchObject({ rate: 0, n: 1 });
    expect(r.samples[0]).toMatchObject({ to: 'fresh', successAfter: null, sourceAfter: 'unknown' });
  });
  it('replays per API key: a key whose thresholds are overridden routes on its own', () => {
    const ds = [recorded(0.2, 'simple', { apiKeyId: 'k1' }), recorded(0.2, 'simple', { apiKeyId: 'k2' }), recorded(0.25, 'simple', { apiKeyId: 'k1' })];
    const draft = { ...defaultPolicy(), apiKeyOverrides: [{ apiKeyId: 'k2', thresholds: { t1: 0.1 } }] };
    const r = replayWhatIf({ decisions: ds, draft, tiers: TIERS, success: SUCCESS });
    expect(r.samples.map((s) => s.id)).toEqual([ds[1].id]);
    expect(r.after.mix).toEqual({ small: 2, medium: 1 });
  });
});

describe('successTable', () => {
  it('falls back from tier x band to the tier over all bands, then to unknown', () => {
    const look = successTable(SUCCESS);
    expect(look('medium', 'moderate')).toMatchObject({ p: 0.9, source: 'tier_band' });
    expect(look('medium', 'research')).toMatchObject({ p: (45 + 90) / 150, source: 'tier' });
    expect(look('nowhere', 'simple')).toMatchObject({ p: null, source: 'unknown' });
  });

  it('turns the Wilson interval into the success interval of a side', () => {
    const ds = Array.from({ length: 10 }, () => recorded(0.4, 'moderate'));
    const r = replayWhatIf({ decisions: ds, draft: defaultPolicy(), tiers: TIERS, success: SUCCESS });
    const w = wilson(90, 100);
    const s = r.before.success!;
    expect(s.rate).toBeCloseTo(0.9, 9);
    // All ten share one cell: the side's interval is that cell's, made symmetric around the rate.
    expect(s.high - s.low).toBeCloseTo(w.high - w.low, 9);
    expect(s.low).toBeLessThan(0.9);
    expect(s.high).toBeGreaterThan(0.9);
  });
});

describe('readPlan', () => {
  it('reads kind, chain and a forced tier from a stored plan and ignores anything else', () => {
    const forced = decide({ score: 0.1, band: 'simple' } as Assessment, defaultPolicy(), states, { prompt: 'p', forcedTier: 'large' });
    expect(readPlan(forced)).toEqual({ kind: 'cascade', chain: ['large'], errorCode: null, forced: true, explored: false });
    expect(readPlan(null)).toBeNull();
    expect(readPlan({ kind: 'other' })).toBeNull();
  });
});
