// The model registry on the test Postgres, and a replica's watcher swapping the promoted version in
// (ONNX Runtime sessions built from the stored bytes). Each test uses its own model kind, so tests
// sharing the database never see each other's versions.
import '../../server/runtime/preload-native';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../server/db/client';
import { buildQualityArtifacts } from '../../server/judging/artifact';
import { createAnswerJudge } from '../../server/judging/answer-judge';
import { featureTable, labeled } from '../../server/judging/eval/evidence';
import { selectAnswerRows } from '../../server/judging/eval/run';
import { holdAnswerModel } from '../../server/judging/holder';
import { trainQuality } from '../../server/judging/train';
import { watchAnswerModel } from '../../server/judging/watcher';
import { modelRegistry } from '../../server/repos/models';
import { defaultPolicy } from '../../server/routing/policy';
import type { TierInvoker } from '../../server/routing/ports';
import { parseOutcomes } from '../../server/routing/eval/run';

let db: Awaited<ReturnType<typeof connectDatabase>>;
const actor = { id: null, label: 'test' };

beforeAll(async () => {
  db = await connectDatabase({ url: process.env.TEST_DATABASE_URL! });
});
afterAll(async () => {
  await db.close();
});

/** Two different, real artifacts trained on the answer fixture (different L2 -> different bytes). */
function artifacts() {
  const { lines } = parseOutcomes(readFileSync(new URL('../fixtures/answers/gsm8k-mixtral-gpt4.jsonl', import.meta.url), 'utf8'));
  const { rows } = selectAnswerRows(lines, ['mixtral-8x7b-instruct-v0.1', 'gpt-4-1106-preview']);
  const ex = labeled(rows, featureTable(rows));
  return [0.01, 1].map((l2) => buildQualityArtifacts(trainQuality(ex, { l2 }), { acceptThreshold: 0.7, training: { dataSha256: 'fixture', rows: ex.length, positives: 0, sources: ['fixture'], l2, labelAt: 0.5 }, metrics: { auc: l2 } }));
}

describe('model registry', () => {
  it('registers, promotes, rolls back and shadows, with audit events', async () => {
    const reg = modelRegistry(db.prisma);
    const kind = `test-${randomUUID().slice(0, 8)}`;
    const [a, b] = artifacts();
    const reg1 = await reg.register({ kind, version: a.meta.modelVersion, onnx: a.onnxBytes, meta: a.meta as never, metrics: a.meta.metrics, dataWindow: 'fixture rows 1-60' }, actor);
    expect(reg1).toMatchObject({ kind, version: a.meta.modelVersion, active: false, metrics: { auc: 0.01 }, dataWindow: 'fixture rows 1-60' });
    // Registering the same bytes again is a no-op.
    expect((await reg.register({ kind, version: a.meta.modelVersion, onnx: a.onnxBytes, meta: a.meta as never }, actor)).id).toBe(reg1.id);
    await reg.register({ kind, version: b.meta.modelVersion, onnx: b.onnxBytes, meta: b.meta as never }, actor);
    expect(await reg.heads(kind)).toEqual({ active: null, shadow: null });
    await expect(reg.rollback(kind, actor)).rejects.toMatchObject({ code: 'conflict' });

    await reg.promote(kind, a.meta.modelVersion, { id: 'admin-1', label: 'admin' });
    const promoted = await reg.promote(kind, b.meta.modelVersion, { id: 'admin-2', label: 'admin' });
    expect(promoted).toMatchObject({ active: true, promotedById: 'admin-2' });
    expect((await reg.heads(kind)).active?.version).toBe(b.meta.modelVersion);
    const back = await reg.rollback(kind, actor);
    expect(back.version).toBe(a.meta.modelVersion);
    expect((await reg.list(kind)).filter((v) => v.active).map((v) => v.version)).toEqual([a.meta.modelVersion]);

    await expect(reg.setShadow(kind, a.meta.modelVersion, actor)).rejects.toMatchObject({ code: 'conflict' });
    await reg.setShadow(kind, b.meta.modelVersion, actor);
    expect((await reg.heads(kind)).shadow?.version).toBe(b.meta.modelVersion);
    await expect(reg.promote(kind, 'answer-quality-nope', actor)).rejects.toMatchObject({ code: 'not_found' });
    const stored = await reg.artifact(back.id);
    expect(Buffer.from(stored.onnx).equals(Buffer.from(a.onnxBytes))).toBe(true);
    const events = await db.prisma.auditEvent.findMany({ where: { target: { startsWith: `${kind} model` } }, orderBy: { at: 'asc' } });
    expect(events.map((e) => e.action)).toEqual(['model.register', 'model.register', 'model.promote', 'model.promote', 'model.rollback', 'model.shadow']);
    expect(events.find((e) => e.action === 'model.rollback')?.details).toEqual({ from: b.meta.modelVersion });
  });

  it('a replica swaps in the promoted version and scores the shadow beside it, without a restart', async () => {
    const reg = modelRegistry(db.prisma);
    const kind = `test-${randomUUID().slice(0, 8)}`;
    const [a, b] = artifacts();
    for (const x of [a, b]) await reg.register({ kind, version: x.meta.modelVersion, onnx: x.onnxBytes, meta: x.meta as never }, actor);
    const holder = holdAnswerModel(null);
    const warnings: string[] = [];
    const watch = watchAnswerModel(reg, holder, { kind, refreshMs: 3_600_000, warn: (m) => warnings.push(m) });
    try {
      await watch.refresh();
      expect(holder.current()).toBeNull(); // nothing promoted yet: the replica keeps what it has
      await reg.promote(kind, a.meta.modelVersion, actor);
      await watch.refresh();
      expect(holder.meta()?.modelVersion).toBe(a.meta.modelVersion);
      await reg.setShadow(kind, b.meta.modelVersion, actor);
      await watch.refresh();
      expect(holder.shadow()?.modelVersion).toBe(b.meta.modelVersion);

      // The judges record the shadow's score next to the active model's; the verdict is the active one's.
      const noCalls = {} as TierInvoker; // the model judge makes no tier calls
      const judge = createAnswerJudge({ mode: 'cascade', band: 'medium', judges: ['model'], acceptThreshold: 0.5, uncertainBelow: 0.5, judgeAcceptScore: 1, stream: 'hold', judgeTier: null }, { tiers: noCalls, scorer: holder.current(), shadow: holder.shadow(), validators: defaultPolicy().validators });
      const tier = { id: 't', name: 'small', role: 'small', kind: 'openai', baseUrl: '', model: 'm', inputPricePerM: 0, outputPricePerM: 0, maxConcurrency: 1, timeoutMs: 1, enabled: true } as const;
      const o = await judge.judge({ tier, request: { messages: [{ role: 'user', content: 'What is 2 + 3 * 4?' }] }, content: '3 * 4 = 12 and 2 + 12 = 14.\n#### 14', finishReason: 'stop' });
      expect(o.attempts[0].detail).toMatch(new RegExp(`; shadow ${b.meta.modelVersion} P 0\\.\\d{3}$`));

      await reg.promote(kind, b.meta.modelVersion, actor);
      await watch.refresh();
      expect(holder.meta()?.modelVersion).toBe(b.meta.modelVersion);
      expect(holder.shadow()).toBeNull(); // the promoted shadow is no longer a shadow
      expect(warnings).toEqual([]);
    } finally {
      watch.stop();
      await holder.close();
    }
  });
});
