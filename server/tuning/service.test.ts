import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../db/client';
import { feedbackService } from '../feedback/service';
import { freshDatabase, insertDecision } from '../../test/fixtures/feedback';
import { defaultPolicy, type Policy } from '../routing/policy';
import { createRng } from './rng';
import { tunerService } from './service';
import { syntheticSuccess } from '../../test/fixtures/tuning';
import { activePolicy } from './versions';

let db: { prisma: PrismaClient; drop(): Promise<void> };
let prisma: PrismaClient;
const TIERS = ['small', 'medium', 'large'];

beforeAll(async () => {
  db = await freshDatabase();
  prisma = db.prisma;
  // Prices per million tokens 1 / 3 / 10: with 1,000 input tokens a request costs 0.001 / 0.003 / 0.01.
  await prisma.tier.createMany({
    data: TIERS.map((name, i) => ({ name, role: name, baseUrl: 'http://127.0.0.1:1/v1', model: name, inputPricePerM: [1, 3, 10][i], outputPricePerM: 0 })),
  });
  // Rated traffic of the synthetic world, tiers chosen at random so every curve is observed.
  const rng = createRng(17);
  const decisions = [];
  const ratings = [];
  for (let i = 0; i < 3000; i++) {
    const id = uuidv7();
    const score = rng();
    const tier = Math.floor(rng() * 3);
    const createdAt = new Date(Date.now() - 3600_000 + i);
    decisions.push({ id, createdAt, source: 'simulation', promptHash: 'h', promptPreview: 'p', band: 'simple', score, policyVersion: 1, finalTier: TIERS[tier], cacheStatus: 'miss', tokensIn: 1000, tokensOut: 0, costUsd: 0, baselineCostUsd: 0, latencyMs: 1, status: 'ok' });
    ratings.push({ decisionId: id, decisionCreatedAt: createdAt, raterId: 'u', rating: rng() < syntheticSuccess(tier, score) ? 1 : -1 });
  }
  await prisma.decision.createMany({ data: decisions });
  await prisma.feedback.createMany({ data: ratings });
});
afterAll(() => db?.drop());

async function setPolicy(tuner: Partial<Policy['tuner']>, thresholds = { t1: 0.3, t2: 0.55, t3: 0.8 }): Promise<number> {
  const base = defaultPolicy();
  const doc = { ...base, thresholds, tuner: { ...base.tuner, target: 0.8, minSamples: 100, ...tuner } };
  const last = await prisma.policyVersion.findFirst({ orderBy: { version: 'desc' } });
  const version = (last?.version ?? 0) + 1;
  await prisma.policyVersion.updateMany({ where: { active: true }, data: { active: false } });
  await prisma.policyVersion.create({ data: { version, document: doc, active: true, reason: 'test' } });
  return version;
}

describe('tunerService', () => {
  it('does nothing in mode off', async () => {
    await setPolicy({ mode: 'off' });
    expect((await tunerService(prisma).run()).action).toBe('off');
  });

  it('proposes a step toward the optimum in propose mode; an admin approves it once', async () => {
    const v = await setPolicy({ mode: 'propose' });
    const tuner = tunerService(prisma);
    const r = await tuner.run();
    expect(r.action).toBe('proposed');
    if (r.action !== 'proposed') return;
    // The known optimum (t2 ≈ 0.78) is above t2: a step of at most maxStep that is cheaper and still
    // estimated to meet the target.
    expect(r.thresholds.t2).toBeGreaterThan(0.55);
    expect(r.thresholds.t2 - 0.55).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(Math.abs(r.thresholds.t1 - 0.3)).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(r.evidence.chosen.cost).toBeLessThan(r.evidence.current.cost);
    expect(r.evidence.chosen.success).toBeGreaterThanOrEqual(0.8);
    expect(r.evidence.unconstrained.t2).toBeGreaterThan(0.7);
    expect(r.evidence.samples).toBe(3000);
    expect((await activePolicy(prisma))!.version).toBe(v);

    const again = await tuner.run();
    expect(again.action).toBe('proposed');
    if (again.action !== 'proposed') return;
    expect(await prisma.tunerProposal.findUnique({ where: { id: r.proposalId } })).toMatchObject({ status: 'rejected', reason: /superseded/ });
    await expect(tuner.approve(r.proposalId, { id: 'admin', label: 'admin' })).rejects.toMatchObject({ code: 'conflict' });

    const { version } = await tuner.approve(again.proposalId, { id: 'admin', label: 'admin' });
    const active = await activePolicy(prisma);
    expect(active).toMatchObject({ version, document: { thresholds: again.thresholds } });
    expect(await prisma.tunerProposal.findUnique({ where: { id: again.proposalId } })).toMatchObject({ status: 'applied', toVersion: version, decidedById: 'admin' });
    await expect(tuner.approve(again.proposalId, { id: 'admin', label: 'admin' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(tuner.reject('nope', { id: 'admin', label: 'admin' }, 'x')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('applies a new version with reason and evidence in auto mode, and rolls it back on a significant drop', async () => {
    const from = await setPolicy({ mode: 'auto' });
    const tuner = tunerService(prisma, { rollback: { minSamples: 40 } });
    const r = await tuner.run();
    expect(r.action).toBe('applied');
    if (r.action !== 'applied') return;
    const row = await prisma.policyVersion.findUnique({ where: { version: r.version } });
    expect(row).toMatchObject({ active: true, parentVersion: from, reason: expect.stringMatching(/^tuner: t1 0.3→/) });
    expect(await prisma.auditEvent.count({ where: { action: 'policy.tuner.apply', target: `policy v${r.version}` } })).toBe(1);
    expect(await prisma.tunerProposal.findUnique({ where: { id: r.proposalId } })).toMatchObject({ status: 'applied', fromVersion: from, toVersion: r.version });

    // Ratings: 90 % good under the old version, 50 % under the tuned one.
    const feedback = feedbackService(prisma);
    for (const [version, good] of [[from, 45], [r.version, 25]] as const) {
      for (let i = 0; i < 50; i++) {
        const id = await insertDecision(prisma, { policyVersion: version, score: 0.5, tier: 'medium' });
        await feedback.rate({ id: 'rater', tenant: 'default' }, { decisionId: id, rating: i < good ? 'up' : 'down' });
      }
    }
    const rb = await tuner.run();
    expect(rb.action).toBe('rolled_back');
    if (rb.action !== 'rolled_back') return;
    expect(rb.reason).toMatch(/fell from 90.0 % to 50.0 %/);
    const active = await activePolicy(prisma);
    expect(active!.version).toBe(rb.version);
    expect(active!.document.thresholds).toEqual({ t1: 0.3, t2: 0.55, t3: 0.8 });
    expect(await prisma.tunerProposal.findUnique({ where: { id: r.proposalId } })).toMatchObject({ status: 'rolled_back' });
  });

  it('applies once when two tuners run at the same time', async () => {
    const from = await setPolicy({ mode: 'auto' });
    const runs = await Promise.all([tunerService(prisma).run(), tunerService(prisma).run()]);
    expect(runs.map((r) => r.action).sort()).toEqual(['applied', 'skipped']);
    expect(runs.find((r) => r.action === 'skipped')!.reason).toMatch(/changed from v/);
    expect(await prisma.policyVersion.count({ where: { parentVersion: from } })).toBe(1);
  });

  it('skips when a target tier does not exist', async () => {
    const base = defaultPolicy();
    await setPolicy({ mode: 'auto' });
    const v = await prisma.policyVersion.findFirst({ where: { active: true } });
    await prisma.policyVersion.update({ where: { version: v!.version }, data: { document: { ...base, targets: { ...base.targets, large: 'gone' }, tuner: { ...base.tuner, mode: 'auto' } } } });
    const r = await tunerService(prisma).run();
    expect(r).toMatchObject({ action: 'skipped', reason: /does not exist/ });
  });

  it('estimates rater noise from decisions rated by two raters and puts it in the evidence', async () => {
    await setPolicy({ mode: 'propose' });
    // 200 decisions, each rated by two raters who disagree on 20 % of them: p = (1 − sqrt(1 − 2 · 0.2)) / 2.
    const decisions = [];
    const ratings = [];
    for (let i = 0; i < 200; i++) {
      const id = uuidv7();
      const createdAt = new Date(Date.now() - 1000 + i);
      decisions.push({ id, createdAt, source: 'simulation', promptHash: 'h', promptPreview: 'p', band: 'simple', score: 0.5, policyVersion: 1, finalTier: 'medium', cacheStatus: 'miss', tokensIn: 1000, tokensOut: 0, costUsd: 0, baselineCostUsd: 0, latencyMs: 1, status: 'ok' });
      ratings.push({ decisionId: id, decisionCreatedAt: createdAt, raterId: 'a', rating: 1 }, { decisionId: id, decisionCreatedAt: createdAt, raterId: 'b', rating: i % 5 === 0 ? -1 : 1 });
    }
    await prisma.decision.createMany({ data: decisions });
    await prisma.feedback.createMany({ data: ratings });
    const r = await tunerService(prisma).run();
    if (r.action === 'rolled_back') throw new Error('unexpected rollback');
    expect(r.evidence?.raterNoise).toMatchObject({ pairs: 200, source: 'agreement' });
    expect(r.evidence!.raterNoise!.noise).toBeCloseTo((1 - Math.sqrt(0.6)) / 2, 6);
    const off = await tunerService(prisma, { raterNoise: false }).run();
    if (off.action === 'rolled_back') throw new Error('unexpected rollback');
    expect(off.evidence?.raterNoise).toBeUndefined();
    // an admin's prior in the policy (worth 100 pairs) joins the measured agreement, for both tuners
    await setPolicy({ mode: 'propose', raterNoise: 0.02 });
    const withPrior = await tunerService(prisma).run();
    if (withPrior.action === 'rolled_back') throw new Error('unexpected rollback');
    expect(withPrior.evidence?.raterNoise).toMatchObject({ pairs: 200, source: 'agreement+prior' });
    const measured = (1 - Math.sqrt(0.6)) / 2;
    expect(withPrior.evidence!.raterNoise!.noise).toBeLessThan(measured);
    expect(withPrior.evidence!.raterNoise!.noise).toBeGreaterThan(0.02);
    expect(withPrior.evidence!.cache!.noise).toBeCloseTo(withPrior.evidence!.raterNoise!.noise, 12);
  });
});
