// The learning loop end to end on recorded traffic: requests through the gateway (the real analyzer
// and answer-quality model, loopback tiers over HTTP, the answer-side cascade) recorded by the real
// recorder into Postgres with the training samples the policy keeps; ratings through the feedback
// service; a retrain from those decisions that registers candidates with held-out metrics; a replica
// running the candidate in shadow; and the purge honouring the policy's retention, by hand and on the
// training job's gated ticks. One file, run in order: the purges act on the whole table.
import '../../server/runtime/preload-native';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAnalyzer } from '../../server/complexity';
import { LiveAnalyzer, watchComplexityModel } from '../../server/complexity/live';
import { connectDatabase } from '../../server/db/client';
import { createRecorder, type Recorder } from '../../server/decisions/recorder';
import { feedbackService } from '../../server/feedback/service';
import type { GatewayDeps } from '../../server/gateway/types';
import { FEATURE_COUNT } from '../../server/judging/features';
import { loadAnswerModel, holdAnswerModel, type AnswerModelHolder } from '../../server/judging/holder';
import { retrainFromDecisions } from '../../server/judging/retrain-run';
import { watchAnswerModel } from '../../server/judging/watcher';
import { modelRegistry } from '../../server/repos/models';
import { purgeTraining } from '../../server/repos/training';
import { defaultPolicy, policySchema, type Policy } from '../../server/routing/policy';
import { startTrainingJob } from '../../server/runtime/training-job';
import { replayJudging } from '../../server/whatif/judging';
import type { DashboardFilters } from '../../server/analytics/filters';
import { prepareJudges } from '../../server/analytics/prepare-judges';
import { loadJudgeAcceptedRatings, loadJudgeVerdicts } from '../../server/analytics/queries';
import { loadJudgedDecisions, loadReplayDecisions } from '../../server/whatif/load';
import { createTierRegistry } from '../../server/tiers/registry';
import type { TierConfig } from '../../server/tiers/types';
import type { Principal } from '../../server/contracts/principal';
import { handleChat } from '../fixtures/chat';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/upstream';
import { tierConfig } from '../routing/invoker';

const NAMES = ['small', 'medium', 'large'] as const;
const run = randomUUID().slice(0, 8);
/** Tier names of this run: the judge rollups are filtered by tier, and other tests' tiers are called small/medium/large. */
const T = { small: `small-${run}`, medium: `medium-${run}`, large: `large-${run}` };
const ups = {} as Record<(typeof NAMES)[number], FakeUpstream>;
let tiers: TierConfig[];
let analyzer: Awaited<ReturnType<typeof createAnalyzer>>;
let model: AnswerModelHolder;
let db: Awaited<ReturnType<typeof connectDatabase>>;
let recorder: Recorder;
const plainKey = `learn-${run}`;
const fullKey = `learn-full-${run}`;

beforeAll(async () => {
  db = await connectDatabase({ url: process.env.TEST_DATABASE_URL! });
  recorder = createRecorder({ url: process.env.TEST_DATABASE_URL!, spoolDir: mkdtempSync(join(tmpdir(), 'cascade-learn-')), flushMs: 20 });
  analyzer = await createAnalyzer();
  model = await loadAnswerModel('models/answer-quality.onnx');
  for (const n of NAMES) ups[n] = await startFakeUpstream({ content: `Answer from ${n}.` });
  tiers = NAMES.map((n, i) => ({ ...tierConfig(T[n], ups[n].baseUrl, { inputPricePerM: [0.1, 1, 10][i], outputPricePerM: [0.2, 2, 30][i] }), role: n }));
});
afterAll(async () => {
  await Promise.all(Object.values(ups).map((u) => u.close()));
  await recorder?.close();
  await analyzer?.close();
  await model?.close();
  await db?.close();
});

function learningPolicy(): Policy {
  const base = defaultPolicy();
  const b = { mode: 'cascade', acceptThreshold: 0.3, uncertainBelow: 0.3 };
  return policySchema.parse({
    ...base, research: { enabled: false }, tuner: { ...base.tuner, exploration: 0 },
    targets: T, escalation: { small: [T.medium, T.large], medium: [T.large], large: [] },
    answerJudging: { small: b, medium: b, large: b, judgeTier: null },
    training: { keep: 'features', retentionDays: 60, fullText: [{ apiKeyId: fullKey, retentionDays: 7 }] },
  });
}

function deps(policy: Policy): GatewayDeps {
  const byName = new Map(tiers.map((t) => [t.name, t]));
  return {
    analyzer, cache: null, policy: { current: () => ({ version: 1, policy }) },
    tiers: createTierRegistry({ directory: { list: () => tiers, byName: (n) => byName.get(n) }, vllmMetrics: false }),
    sink: recorder, answerModel: model,
  };
}
const principal = (apiKeyId: string): Principal => ({ kind: 'apiKey', id: apiKeyId, userId: null, apiKeyId, role: 'user', tenant: 'default', name: 'test' });

/** A word problem with its right answer and one with a wrong step, different numbers each time. */
function problem(k: number) {
  const eggs = 20 + k;
  const eaten = 2 + (k % 5);
  const price = 2 + (k % 4);
  const left = eggs - eaten;
  const q = `Mia has ${eggs} eggs. She eats ${eaten} and sells the rest at $${price} each. How much does she make? (${run}-${k})`;
  return {
    q,
    good: `She has ${eggs} - ${eaten} = ${left} eggs left.\nShe makes ${left} * ${price} = $${left * price}.\n#### ${left * price}`,
    wrong: `She has ${eggs} - ${eaten} = ${left} eggs left.\nShe makes ${left} * ${price} = $${left * price + 3}.\n#### ${left * price + 3}`,
  };
}

describe('learning loop on recorded traffic', () => {
  it('records features (text only where opted in), retrains both models with held-out metrics, and runs a candidate in shadow', async () => {
    const started = new Date(Date.now() - 1000);
    const policy = learningPolicy();
    const gw = deps(policy);
    const feedback = feedbackService(db.prisma);
    ups.medium.setBehaviour({ content: 'Medium answer.' });
    const ids: { id: string; kind: 'good' | 'wrong' | 'bad-rated'; key: string }[] = [];
    for (let k = 0; k < 90; k++) {
      const p = problem(k);
      const kind = k % 3 === 0 ? 'wrong' : k % 9 === 1 ? 'bad-rated' : 'good';
      ups.small.setBehaviour({ content: kind === 'wrong' ? p.wrong : p.good });
      ups.large.setBehaviour({ content: p.good });
      const key = k % 10 === 0 ? fullKey : plainKey;
      const r = await handleChat(gw, principal(key), { model: null, messages: [{ role: 'user', content: p.q }], source: 'api' });
      if (r.kind !== 'complete') throw new Error('expected a complete answer');
      expect(r.result.tier).toBe(kind === 'wrong' ? T.large : T.small);
      ids.push({ id: r.result.decisionId, kind, key });
    }
    await recorder.flush();
    // Raters: cheap answers that were delivered, up for the good ones, down for those a user disliked.
    for (const x of ids.filter((i) => i.kind !== 'wrong')) await feedback.rate({ id: `rater-${run}`, tenant: 'default' }, { decisionId: x.id, rating: x.kind === 'good' ? 'up' : 'down' });

    const samples = await db.prisma.trainingSample.findMany({ where: { decisionId: { in: ids.map((i) => i.id) } } });
    expect(samples).toHaveLength(90);
    const wrong = samples.find((s) => s.decisionId === ids.find((i) => i.kind === 'wrong' && i.key === plainKey)!.id)!;
    const answers = wrong.answers as { tier: string; accepted: boolean; decidedBy: string; features: number[]; text?: string }[];
    expect(answers[0]).toMatchObject({ tier: T.small, accepted: false, decidedBy: 'verifiers' });
    expect(answers[0].features).toHaveLength(FEATURE_COUNT);
    expect(answers[0].text).toBeUndefined();
    expect(wrong).toMatchObject({ finalTier: T.large, finalTarget: 'large', text: null, complexityModel: analyzer.modelVersion });
    expect((wrong.complexity as { i: number[] }).i.length).toBeGreaterThan(10);
    // Nothing of the prompt's text is in a plain key's sample.
    expect(JSON.stringify(wrong)).not.toContain('eggs');
    const full = samples.find((s) => s.apiKeyId === fullKey)!;
    expect(full.text).toMatchObject({ messages: [{ role: 'user', content: expect.stringContaining('eggs') }] });

    const sql = <R,>(text: string, params: unknown[]) => db.prisma.$queryRawUnsafe<R[]>(text, ...params);
    // The dashboard: escalation rate per judge (JudgeRollup, kept by the writer) and the ratings of the cheap answers judges accepted.
    const range = { from: new Date(started.getTime() - 3_600_000), to: new Date(Date.now() + 3_600_000), tier: T.small } as DashboardFilters;
    const judges = prepareJudges(await loadJudgeVerdicts(sql, range), await loadJudgeAcceptedRatings(sql, range));
    expect(judges.map((j) => [j.judge, j.seen, j.rejected, j.accepted])).toEqual([
      ['validators', 90, 0, 0],
      ['verifiers', 90, 30, 0],
      ['model', 60, 0, 60],
    ]);
    expect(judges[1].escalationRate).toBeCloseTo(1 / 3, 12);
    expect(judges[1].shareOfEscalations).toBe(1);
    expect(judges[2]).toMatchObject({ acceptedRated: 60, acceptedSuccess: { rate: 50 / 60 } });

    // The policy editor's what-if replays these decisions' model scores against a stricter threshold.
    const recorded = await loadReplayDecisions(sql, { limit: 1000, apiKeyId: plainKey });
    const strict = policySchema.parse({ ...policy, answerJudging: { ...policy.answerJudging, small: { ...policy.answerJudging.small, acceptThreshold: 0.999 } } });
    const replay = replayJudging(await loadJudgedDecisions(sql, recorded), strict, tiers)!;
    expect(replay.decisions).toBeGreaterThan(0);
    expect(replay.thresholds).toContainEqual({ band: expect.any(String), before: 0.3, after: expect.any(Number) });
    expect(replay.nowRejected).toBe(replay.acceptedBefore);
    expect(replay.nowRejectedRated.up + replay.nowRejectedRated.down).toBe(replay.nowRejected);
    expect(replay.escalationRate.after).toBe(1);

    const window = { from: started, to: new Date(Date.now() + 1000) };
    const kinds = { answer: `test-aq-${run}`, complexity: `test-cx-${run}` };
    const progress: string[] = [];
    const aq = await retrainFromDecisions(db.prisma, 'answer-quality', { window, actor: { id: null, label: 'test' }, registryKind: kinds.answer, progress: (p) => progress.push(p.stage) });
    expect(aq.decisions).toBe(90);
    expect(aq.registered).toMatchObject({ kind: kinds.answer, version: aq.candidate.version, active: false, dataWindow: expect.stringContaining('90 kept') });
    const m = aq.candidate.metrics as { train: { answers: number; bySource: Record<string, number> }; heldOut: { answers: number }; candidate: { auc: number | null }; active: { version: string; auc: number | null } };
    // 30 escalations (label 0), 60 rated delivered answers (50 up, 10 down): 90 labelled answers, a fifth held out.
    expect(m.train.answers + m.heldOut.answers).toBe(90);
    expect(m.heldOut.answers).toBeGreaterThan(5);
    expect(m.train.bySource).toMatchObject({ escalation: expect.any(Number), rating: expect.any(Number) });
    expect(m.candidate.auc).not.toBeNull();
    expect(m.active.version).toBe(model.meta()!.modelVersion);
    expect(new Set(progress)).toEqual(new Set(['loading', 'labelling', 'training', 'evaluating']));

    // With the shipped answer files as a base (never held out): same held-out slice, more to learn from.
    const based = await retrainFromDecisions(db.prisma, 'answer-quality', { window, actor: { id: null, label: 'test' }, registryKind: kinds.answer, register: false, withShipped: ['test/fixtures/answers/gsm8k-mixtral-gpt4.jsonl'] });
    expect(based.registered).toBeNull();
    expect(based.candidate.metrics).toMatchObject({ train: { answers: m.train.answers, base: { answers: 60, sources: ['gsm8k-mixtral-gpt4.jsonl'] } }, heldOut: { answers: m.heldOut.answers } });

    const cx = await retrainFromDecisions(db.prisma, 'complexity', { window, actor: { id: null, label: 'test' }, registryKind: kinds.complexity });
    const cm = cx.candidate.metrics as { train: { decisions: number; byLabel: Record<string, number> }; candidate: { macroF1: number }; active: { version: string } };
    expect(cx.registered?.version).toMatch(/^complexity-[0-9a-f]{12}$/);
    expect(cm.active.version).toBe(analyzer.modelVersion);
    // Escalated items needed the large tier (complex); the rest the small one (simple), or one above when rated down.
    expect(Object.keys(cm.train.byLabel).sort()).toEqual(['complex', 'moderate', 'simple']);

    // The candidate runs in shadow on a replica (scores recorded, no effect), is promoted, and rolled back.
    const reg = modelRegistry(db.prisma);
    const holder = holdAnswerModel(null);
    const watch = watchAnswerModel(reg, holder, { kind: kinds.answer, refreshMs: 3_600_000 });
    try {
      await reg.setShadow(kinds.answer, aq.candidate.version, { id: null, label: 'test' });
      await watch.refresh();
      expect(holder.shadow()?.modelVersion).toBe(aq.candidate.version);
      await reg.promote(kinds.answer, aq.candidate.version, { id: null, label: 'test' });
      await watch.refresh();
      expect(holder.meta()?.modelVersion).toBe(aq.candidate.version);
    } finally {
      watch.stop();
      await holder.close();
    }

    // The complexity candidate likewise: shadow (its band beside the active one's in the signals), then promoted.
    const live = new LiveAnalyzer(await createAnalyzer());
    const cwatch = watchComplexityModel(reg, live, { kind: kinds.complexity, refreshMs: 3_600_000 });
    try {
      await reg.setShadow(kinds.complexity, cx.candidate.version, { id: null, label: 'test' });
      await cwatch.refresh();
      const a = await live.assess(problem(1).q);
      expect(a.modelVersion).toBe(analyzer.modelVersion);
      expect(a.signals.shadow).toMatchObject({ version: cx.candidate.version, band: expect.any(String) });
      await reg.promote(kinds.complexity, cx.candidate.version, { id: null, label: 'test' });
      await cwatch.refresh();
      expect(live.modelVersion).toBe(cx.candidate.version);
      expect((await live.assess(problem(1).q)).modelVersion).toBe(cx.candidate.version);
    } finally {
      cwatch.stop();
      await live.close();
    }
  });

  it('refuses to retrain on too few labels, saying how many there are', async () => {
    const empty = { from: new Date('2001-01-01'), to: new Date('2001-01-02') };
    await expect(retrainFromDecisions(db.prisma, 'answer-quality', { window: empty, actor: { id: null, label: 'test' }, registryKind: `test-none-${run}` })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('0 in the training part') });
  });

  it('purges text and rows past the retention the policy gives them', async () => {
    const key = `purge-${run}`;
    const other = `purge-other-${run}`;
    const day = 86_400_000;
    const now = new Date();
    const row = (apiKeyId: string, ageDays: number) => ({ decisionId: randomUUID(), createdAt: new Date(now.getTime() - ageDays * day), apiKeyId, answers: [], text: { messages: [{ role: 'user', content: 'x' }], answers: [] } });
    const rows = [row(key, 3), row(key, 10), row(key, 40), row(other, 10), row(other, 70)];
    await db.prisma.trainingSample.createMany({ data: rows });
    const training = policySchema.parse({ ...defaultPolicy(), training: { keep: 'features', retentionDays: 30, fullText: [{ apiKeyId: key, retentionDays: 7 }] } }).training;
    await purgeTraining(db.prisma, training, now);
    const left = await db.prisma.trainingSample.findMany({ where: { decisionId: { in: rows.map((r) => r.decisionId) } } });
    const state = (r: (typeof rows)[number]) => {
      const l = left.find((x) => x.decisionId === r.decisionId);
      return l ? (l.text ? 'text' : 'features') : 'gone';
    };
    // key: text 7 days, features 30; other (not opted in): never text, features 30 days.
    expect(rows.map(state)).toEqual(['text', 'features', 'gone', 'features', 'gone']);
    // keep 'off': nothing beyond an opted-in key's own retention.
    await purgeTraining(db.prisma, { keep: 'off', retentionDays: 30, fullText: [{ apiKeyId: key, retentionDays: 7 }] }, now);
    const after = await db.prisma.trainingSample.findMany({ where: { decisionId: { in: rows.map((r) => r.decisionId) } } });
    expect(after.map((r) => r.decisionId)).toEqual([rows[0].decisionId]);
  });

  it('runs each job only on the ticks its gate lets through: the purge deletes past retention, a refused retrain never runs', async () => {
    const key = `job-${randomUUID().slice(0, 8)}`;
    // Older than any retention the policy allows (10 years): gone whatever else the database holds.
    const old = { decisionId: randomUUID(), createdAt: new Date(Date.now() - 3700 * 86_400_000), apiKeyId: key, answers: [] };
    const fresh = { decisionId: randomUUID(), createdAt: new Date(), apiKeyId: key, answers: [] };
    await db.prisma.trainingSample.createMany({ data: [old, fresh] });
    const policy = policySchema.parse({ ...defaultPolicy(), training: { keep: 'features', retentionDays: 3650, fullText: [{ apiKeyId: key, retentionDays: 1 }] } });
    const asked: string[] = [];
    const logged: string[] = [];
    const job = startTrainingJob(db.prisma, {
      policy: { current: () => ({ policy: { ...policy, training: { keep: 'off', retentionDays: 3650, fullText: [{ apiKeyId: key, retentionDays: 1 }] } } }) },
      purgeEveryMs: 40,
      retrainEveryMs: 40,
      // Another replica holds this interval's retrain: only the purge may run here.
      gate: async (j) => {
        asked.push(j);
        return j === 'purge';
      },
      log: (_l, msg) => logged.push(msg),
    });
    try {
      await vi.waitFor(async () => expect(await db.prisma.trainingSample.count({ where: { decisionId: { in: [old.decisionId, fresh.decisionId] } } })).toBe(1), { timeout: 10_000, interval: 20 });
      await vi.waitFor(() => expect(asked).toContain('retrain'), { timeout: 10_000, interval: 20 });
    } finally {
      job.stop();
    }
    expect(await db.prisma.trainingSample.findUnique({ where: { decisionId: fresh.decisionId } })).not.toBeNull();
    expect(logged.filter((m) => m.includes('retrain'))).toEqual([]);
    expect(logged).toContain('training samples purged');
  });
});
