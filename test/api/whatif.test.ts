// policy.whatIf on a real runtime and Postgres: recorded decisions (with their answering attempts and
// ratings) of one API key are replayed under a draft; tiers and success rates are this file's own
// (unique names), so other test files sharing the database cannot move the figures.
import '../../server/runtime/preload-native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { v7 as uuidv7 } from 'uuid';
import { createCaller } from '../../server/api/root';
import type { Assessment, Band } from '../../server/complexity/types';
import { getPrisma } from '../../server/db/client';
import { insertApiKey } from '../fixtures/feedback';
import { decide } from '../../server/routing/decide';
import { defaultPolicy, type Policy } from '../../server/routing/policy';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { principal, testRuntime, uid } from './helpers';

let runtime: Runtime;
let keyId: string;
const tierIds: string[] = [];
const names = { small: uid('wi-s'), medium: uid('wi-m'), large: uid('wi-l') };
const PRICES = { small: [0.1, 0.2], medium: [1, 2], large: [10, 20] } as const;
const cost = (t: keyof typeof PRICES, tin: number, tout: number) => (tin * PRICES[t][0] + tout * PRICES[t][1]) / 1e6;

function recordedUnder(): Policy {
  const p = defaultPolicy();
  return {
    ...p,
    targets: { small: names.small, medium: names.medium, large: names.large },
    escalation: { small: [names.medium, names.large], medium: [names.large], large: [] },
    research: { ...p.research, enabled: false },
  };
}

async function insertDecision(score: number, band: Band, o: { answeredBy: keyof typeof names; escalatedFrom?: keyof typeof names; up?: boolean; at: Date }) {
  const prisma = getPrisma();
  const states = Object.fromEntries(Object.values(names).map((n) => [n, { enabled: true, breaker: 'closed' as const, queued: 0 }]));
  const plan = decide({ score, band } as Assessment, recordedUnder(), states, { prompt: 'what if', apiKeyId: keyId });
  const id = uuidv7();
  const attempts = [...(o.escalatedFrom ? [{ tier: o.escalatedFrom, tin: 300, tout: 10 }] : []), { tier: o.answeredBy, tin: 1000, tout: 500 }];
  const total = attempts.reduce((s, a) => s + cost(a.tier, a.tin, a.tout), 0);
  await prisma.decision.create({
    data: {
      id, createdAt: o.at, apiKeyId: keyId, source: 'api', promptHash: 'h', promptPreview: 'what if', band, score, policyVersion: 1,
      plan: JSON.parse(JSON.stringify(plan)), finalTier: names[o.answeredBy], cacheStatus: 'miss',
      tokensIn: attempts.reduce((s, a) => s + a.tin, 0), tokensOut: attempts.reduce((s, a) => s + a.tout, 0),
      costUsd: total, baselineCostUsd: cost('large', 1000, 500), latencyMs: 100, status: 'ok', escalations: attempts.length - 1,
    },
  });
  for (const [i, a] of attempts.entries()) {
    await prisma.decisionAttempt.create({
      data: {
        decisionId: id, seq: i, createdAt: o.at, tierId: names[a.tier], tierName: names[a.tier], step: 'answer', startedAt: o.at, latencyMs: 50, queueMs: 0,
        tokensIn: a.tin, tokensOut: a.tout, costUsd: cost(a.tier, a.tin, a.tout), outcome: i === attempts.length - 1 ? 'ok' : 'bad_answer',
      },
    });
  }
  if (o.up !== undefined) {
    await prisma.feedback.create({ data: { decisionId: id, decisionCreatedAt: o.at, raterId: uid('rater'), rating: o.up ? 1 : -1, kind: 'explicit' } });
  }
  return id;
}

beforeAll(async () => {
  runtime = await testRuntime();
  const prisma = getPrisma();
  keyId = await insertApiKey(prisma, 'default');
  const actor = { id: null, label: 'test' };
  for (const role of ['small', 'medium', 'large'] as const) {
    const t = await runtime.stores.tiers.create(
      { name: names[role], role, kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'm', inputPricePerM: PRICES[role][0], outputPricePerM: PRICES[role][1], maxConcurrency: 4, timeoutMs: 1000, enabled: true },
      actor,
    );
    tierIds.push(t.id);
  }
  await runtime.tiers.reload();
  // Success rates of rated cache misses: small x simple 60 %, medium x simple 90 %, large x moderate 95 %.
  const day = new Date(new Date().toISOString().slice(0, 10));
  for (const [tier, band, ratings, up] of [[names.small, 'simple', 50, 30], [names.medium, 'simple', 100, 90], [names.large, 'moderate', 40, 38]] as const) {
    await prisma.feedbackRollup.create({ data: { day, tier, band, policyVersion: 1, cacheStatus: 'miss', ratings, up } });
  }
  const t0 = Date.now() - 60_000;
  // Four simple questions answered by small (one rated up), one moderate escalated small -> large and rated down.
  for (let i = 0; i < 4; i++) await insertDecision(0.1 + i * 0.03, 'simple', { answeredBy: 'small', up: i === 0 ? true : undefined, at: new Date(t0 + i * 1000) });
  await insertDecision(0.25, 'moderate', { answeredBy: 'large', escalatedFrom: 'small', up: false, at: new Date(t0 + 10_000) });
});

afterAll(async () => {
  for (const id of tierIds) await runtime.stores.tiers.disable(id, { id: null, label: 'test' });
  await stopRuntime();
});

const as = (role: 'analyst' | 'admin') => createCaller({ runtime, principal: principal(role) });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('policy.whatIf', () => {
  it('replays the recorded policy as unchanged', async () => {
    const r = await as('admin').policy.whatIf({ document: recordedUnder(), limit: 100, apiKeyId: keyId });
    expect(r.replayed).toBe(5);
    expect(r.unchanged).toBe(5);
    expect(r.before.mix).toEqual({ [names.small]: 4, [names.large]: 1 });
    expect(r.after.costUsd).toBeCloseTo(r.before.costUsd, 12);
    // one observed up, three small x simple (60 %), one observed down
    expect(r.before.success!.rate).toBeCloseTo((1 + 3 * 0.6 + 0) / 5, 9);
    expect(r.before.sources).toMatchObject({ observed: 2, tier_band: 3 });
  });

  it('predicts the change when t1 moves below every score', async () => {
    const draft = { ...recordedUnder(), thresholds: { t1: 0.05, t2: 0.55, t3: 0.8 } };
    const r = await as('admin').policy.whatIf({ document: draft, limit: 100, apiKeyId: keyId });
    expect(r.changed).toBe(5);
    expect(r.after.mix).toEqual({ [names.medium]: 5 });
    // Priced with the answering attempt's tokens (1000 in / 500 out), not the failed small attempt.
    expect(r.after.costUsd).toBeCloseTo(5 * cost('medium', 1000, 500), 12);
    expect(r.before.costUsd).toBeCloseTo(4 * cost('small', 1000, 500) + cost('small', 300, 10) + cost('large', 1000, 500), 12);
    expect(r.costDeltaPct).toBeCloseTo((r.after.costUsd - r.before.costUsd) / r.before.costUsd, 9);
    // medium x simple 90 % for four; medium x moderate has no ratings: medium over all bands (90 %).
    expect(r.after.success!.rate).toBeCloseTo(0.9, 9);
    expect(r.after.sources).toMatchObject({ tier_band: 4, tier: 1 });
    expect(r.extrapolated).toBe(5);
    expect(r.samples).toHaveLength(5);
    expect(r.samples.every((s) => s.to === names.medium)).toBe(true);
  });

  it('validates the draft with the policy schema and bounds N; admins only', async () => {
    const bad = { ...recordedUnder(), thresholds: { t1: 0.5, t2: 0.4, t3: 0.8 } };
    expect(await codeOf(as('admin').policy.whatIf({ document: bad, limit: 100 }))).toBe('BAD_REQUEST');
    expect(await codeOf(as('admin').policy.whatIf({ document: recordedUnder(), limit: 50 }))).toBe('BAD_REQUEST');
    expect(await codeOf(as('admin').policy.whatIf({ document: recordedUnder(), limit: 20_000 }))).toBe('BAD_REQUEST');
    expect(await codeOf(as('analyst').policy.whatIf({ document: recordedUnder(), limit: 100 }))).toBe('FORBIDDEN');
  });
});
