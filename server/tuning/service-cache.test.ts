// The tuner service moving cache.similarityThreshold from ratings on semantic cache hits, whose
// similarity the gateway records in Decision.plan.cache. Own schema: it needs the active policy to itself.
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../db/client';
import { feedbackService } from '../feedback/service';
import { freshDatabase, insertDecision } from '../../test/fixtures/feedback';
import { defaultPolicy, type Policy } from '../routing/policy';
import { tunerService } from './service';
import { activePolicy } from './versions';

let db: { prisma: PrismaClient; drop(): Promise<void> };
let prisma: PrismaClient;
const TIERS = ['small', 'medium', 'large'];
const HITS = 150;

async function hit(similarity: unknown, rating: number, cacheStatus = 'semantic', kind = 'semantic') {
  const id = uuidv7();
  const createdAt = new Date(Date.now() - 60_000);
  await prisma.decision.create({
    data: {
      id, createdAt, source: 'simulation', promptHash: 'h', promptPreview: 'p', band: 'simple', score: 0.2, policyVersion: 1,
      plan: { target: 'small', cache: { entryId: 'e', kind, similarity, threshold: 0.75, verifier: null } } as object,
      finalTier: 'small', cacheStatus, tokensIn: 10, tokensOut: 0, costUsd: 0, baselineCostUsd: 0, latencyMs: 1, status: 'ok',
    },
  });
  await prisma.feedback.create({ data: { decisionId: id, decisionCreatedAt: createdAt, raterId: 'u', rating } });
}

beforeAll(async () => {
  db = await freshDatabase();
  prisma = db.prisma;
  await prisma.tier.createMany({
    data: TIERS.map((name, i) => ({ name, role: name, baseUrl: 'http://127.0.0.1:1/v1', model: name, inputPricePerM: [1, 3, 10][i], outputPricePerM: 0 })),
  });
  // Every semantic hit between similarity 0.76 and 0.95 was rated good: the threshold can come down.
  for (let i = 0; i < HITS; i++) await hit(0.76 + (0.19 * i) / HITS, 1);
  // Not counted: exact hits, and a semantic hit whose recorded similarity is not a number.
  for (let i = 0; i < 5; i++) await hit(1, -1, 'exact', 'exact');
  await hit('abc', -1);
});
afterAll(() => db?.drop());

async function setPolicy(mode: Policy['tuner']['mode']): Promise<number> {
  const base = defaultPolicy();
  const doc = { ...base, cache: { ...base.cache, similarityThreshold: 0.75 }, tuner: { ...base.tuner, mode, target: 0.8, minSamples: 100, maxStep: 0.05 } };
  const last = await prisma.policyVersion.findFirst({ orderBy: { version: 'desc' } });
  const version = (last?.version ?? 0) + 1;
  await prisma.policyVersion.updateMany({ where: { active: true }, data: { active: false } });
  await prisma.policyVersion.create({ data: { version, document: doc, active: true, reason: 'test' } });
  return version;
}

describe('tunerService: cache similarity threshold', () => {
  it('applies a lower similarity threshold in auto mode, with evidence, leaving the routing thresholds alone', async () => {
    const from = await setPolicy('auto');
    const r = await tunerService(prisma).run();
    expect(r.action).toBe('applied');
    if (r.action !== 'applied') return;
    // Too few answered ratings to move t1/t2; the cache moves one maxStep.
    expect(r.similarityThreshold).toBe(0.7);
    expect(r.evidence.cache).toMatchObject({ samples: HITS, rate: 1, from: 0.75, to: 0.7, changed: true });
    expect(r.reason).toMatch(/cache similarity 0.75→0.7/);
    const active = await activePolicy(prisma);
    expect(active!.version).toBe(r.version);
    expect(active!.document.cache.similarityThreshold).toBe(0.7);
    expect(active!.document.thresholds).toEqual(defaultPolicy().thresholds);
    const p = await prisma.tunerProposal.findUnique({ where: { id: r.proposalId } });
    expect(p).toMatchObject({ status: 'applied', fromVersion: from, toVersion: r.version, proposal: { cache: { from: 0.75, to: 0.7 } }, evidence: { cache: { samples: HITS } } });
  });

  it('proposes the change in propose mode and writes it only when approved', async () => {
    const from = await setPolicy('propose');
    const tuner = tunerService(prisma);
    const r = await tuner.run();
    expect(r.action).toBe('proposed');
    if (r.action !== 'proposed') return;
    expect(r.similarityThreshold).toBe(0.7);
    expect((await activePolicy(prisma))!.document.cache.similarityThreshold).toBe(0.75);
    const { version } = await tuner.approve(r.proposalId, { id: 'admin', label: 'admin' });
    const active = await activePolicy(prisma);
    expect(active).toMatchObject({ version, document: { cache: { similarityThreshold: 0.7 } } });
    expect(version).toBeGreaterThan(from);
  });

  it('keeps the threshold below minSamples and in mode off', async () => {
    await setPolicy('off');
    expect((await tunerService(prisma).run()).action).toBe('off');
    const base = defaultPolicy();
    const v = await setPolicy('auto');
    await prisma.policyVersion.update({ where: { version: v }, data: { document: { ...base, tuner: { ...base.tuner, mode: 'auto', minSamples: HITS + 1 } } } });
    const r = await tunerService(prisma).run();
    expect(r).toMatchObject({ action: 'kept', reason: /only 150 rated cache hits, need 151/ });
    expect((await activePolicy(prisma))!.version).toBe(v);
  });

  // Last: its rated misses would otherwise feed the routing-threshold tuner of the tests above.
  it('a rollback restores the cache similarity threshold together with the thresholds', async () => {
    const from = await setPolicy('auto');
    const tuner = tunerService(prisma, { rollback: { minSamples: 40 } });
    const r = await tuner.run();
    expect(r).toMatchObject({ action: 'applied', similarityThreshold: 0.7 });
    if (r.action !== 'applied') return;
    // Answered traffic: 90 % good under the old version, 50 % under the tuned one.
    const feedback = feedbackService(prisma);
    for (const [version, good] of [[from, 45], [r.version, 25]] as const) {
      for (let i = 0; i < 50; i++) {
        const id = await insertDecision(prisma, { policyVersion: version, score: 0.5, tier: 'medium' });
        await feedback.rate({ id: 'rater', tenant: 'default' }, { decisionId: id, rating: i < good ? 'up' : 'down' });
      }
    }
    const rb = await tuner.run();
    expect(rb).toMatchObject({ action: 'rolled_back', reason: /cache similarity threshold of v/ });
    const active = await activePolicy(prisma);
    expect(active!.document.cache.similarityThreshold).toBe(0.75);
    expect(active!.document.thresholds).toEqual(defaultPolicy().thresholds);
  });

  // After the test above: the misses it rated stay equal across the two versions compared here.
  it('rolls back a change when success drops on rated cache hits alone', async () => {
    const from = await setPolicy('auto');
    const tuner = tunerService(prisma, { rollback: { minSamples: 40 } });
    const r = await tuner.run();
    expect(r).toMatchObject({ action: 'applied', similarityThreshold: 0.7 });
    if (r.action !== 'applied') return;
    // Semantic hits rated through the feedback service (so they reach FeedbackRollup): 90 % good under
    // the old version, 50 % under the new one. No plan.cache here, so the cache tuner does not read them.
    const feedback = feedbackService(prisma);
    for (const [version, good] of [[from, 45], [r.version, 25]] as const) {
      for (let i = 0; i < 50; i++) {
        const id = await insertDecision(prisma, { policyVersion: version, score: 0.2, tier: 'small', cacheStatus: 'semantic' });
        await feedback.rate({ id: 'rater', tenant: 'default' }, { decisionId: id, rating: i < good ? 'up' : 'down' });
      }
    }
    const rb = await tuner.run();
    expect(rb).toMatchObject({ action: 'rolled_back', reason: /cache hits: success fell from 90.0 % to 50.0 %/ });
    const active = await activePolicy(prisma);
    expect(active!.document.cache.similarityThreshold).toBe(0.75);
    const p = await prisma.tunerProposal.findUnique({ where: { id: r.proposalId } });
    expect(p).toMatchObject({ status: 'rolled_back', evidence: { rollback: { strata: { hits: { rollback: true }, misses: { rollback: false } } } } });
  });
});
