// The tuner service moving a cascading band's accept threshold from ratings of the cheap answers the
// answer-quality model accepted (attempt rows 'judge:model' / 'accepted' with the score in their
// detail, as the gateway records them). Own schema: it needs the active policy to itself.
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrismaClient } from '../db/client';
import { freshDatabase } from '../../test/fixtures/feedback';
import { defaultPolicy, policySchema } from '../routing/policy';
import { tunerService } from './service';
import { activePolicy } from './versions';

let db: { prisma: PrismaClient; drop(): Promise<void> };
let prisma: PrismaClient;
const TIERS = ['small', 'medium', 'large'];
const N = 150;

async function judged(score: number, rating: number, band = 'medium', outcome = 'accepted') {
  const id = uuidv7();
  const createdAt = new Date(Date.now() - 60_000);
  await prisma.decision.create({
    data: {
      id, createdAt, source: 'simulation', promptHash: 'h', promptPreview: 'p', band: 'moderate', score: 0.4, policyVersion: 1,
      plan: { target: band, judging: { mode: 'cascade', band } } as object,
      finalTier: 'small', cacheStatus: 'miss', tokensIn: 10, tokensOut: 5, costUsd: 0.001, baselineCostUsd: 0.01, latencyMs: 1, status: 'ok',
    },
  });
  const base = { decisionId: id, createdAt, tierId: 't', tierName: 'small', startedAt: createdAt, latencyMs: 1, queueMs: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 };
  await prisma.decisionAttempt.createMany({
    data: [
      { ...base, seq: 0, step: 'answer', outcome: 'ok', detail: 'judged: accepted by model', tokensIn: 10, tokensOut: 5, costUsd: 0.001 },
      { ...base, seq: 1, step: 'judge:model', outcome, detail: `${outcome === 'accepted' ? 'accept' : 'reject'} (score ${score.toFixed(3)}): P(acceptable) ${score.toFixed(3)}` },
    ],
  });
  await prisma.feedback.create({ data: { decisionId: id, decisionCreatedAt: createdAt, raterId: 'u', rating } });
}

beforeAll(async () => {
  db = await freshDatabase();
  prisma = db.prisma;
  await prisma.tier.createMany({
    data: TIERS.map((name, i) => ({ name, role: name, baseUrl: 'http://127.0.0.1:1/v1', model: name, inputPricePerM: [1, 3, 10][i], outputPricePerM: 0 })),
  });
  // Every accepted cheap answer of the medium band, scores 0.72..0.99, was rated good.
  for (let i = 0; i < N; i++) await judged(0.72 + (0.27 * i) / (N - 1), 1);
  // Not counted: rejected answers (their rating is about the escalated answer), another band's.
  for (let i = 0; i < 20; i++) await judged(0.3, -1, 'medium', 'rejected');
  for (let i = 0; i < 20; i++) await judged(0.9, -1, 'large');
});
afterAll(() => db?.drop());

async function setPolicy(mode: 'auto' | 'propose', large: 'route' | 'cascade' = 'route'): Promise<number> {
  const base = defaultPolicy();
  const doc = policySchema.parse({
    ...base,
    answerJudging: { ...base.answerJudging, medium: { ...base.answerJudging.medium, mode: 'cascade', acceptThreshold: 0.72 }, large: { ...base.answerJudging.large, mode: large } },
    tuner: { ...base.tuner, mode, target: 0.8, minSamples: 100, maxStep: 0.05 },
  });
  const last = await prisma.policyVersion.findFirst({ orderBy: { version: 'desc' } });
  const version = (last?.version ?? 0) + 1;
  await prisma.policyVersion.updateMany({ where: { active: true }, data: { active: false } });
  await prisma.policyVersion.create({ data: { version, document: doc as object, active: true, reason: 'test' } });
  return version;
}

describe('tunerService: answer-side accept threshold', () => {
  it('lowers a cascading band\'s accept threshold one step when its accepted answers all succeed, with evidence', async () => {
    const from = await setPolicy('auto');
    const r = await tunerService(prisma).run();
    expect(r.action).toBe('applied');
    if (r.action !== 'applied') return;
    expect(r.reason).toMatch(/medium accept threshold 0\.72→0\.67 \(accepted answers down to score 0\.72 succeed at 100\.0 %: lowering\)/);
    expect(r.evidence.accept).toEqual({ medium: expect.objectContaining({ samples: N, rate: 1, from: 0.72, to: 0.67, changed: true }) });
    const active = await activePolicy(prisma);
    expect(active!.document.answerJudging.medium.acceptThreshold).toBe(0.67);
    expect(active!.document.answerJudging.large.acceptThreshold).toBe(defaultPolicy().answerJudging.large.acceptThreshold);
    const p = await prisma.tunerProposal.findUnique({ where: { id: r.proposalId } });
    expect(p).toMatchObject({ status: 'applied', fromVersion: from, proposal: { accept: { medium: { from: 0.72, to: 0.67 } } } });
  });

  it('leaves a band alone when too few of its accepted answers are rated, and route bands entirely', async () => {
    await setPolicy('propose', 'cascade');
    const r = await tunerService(prisma).run();
    expect(r.action).toBe('proposed');
    if (r.action !== 'proposed') return;
    expect(r.evidence.accept?.large).toMatchObject({ samples: 20, changed: false, reason: 'only 20 rated accepted answers, need 100' });
    expect(r.evidence.accept?.small).toBeUndefined();
    // Proposed, not applied: the active policy keeps 0.72 until an admin approves.
    expect((await activePolicy(prisma))!.document.answerJudging.medium.acceptThreshold).toBe(0.72);
  });
});
