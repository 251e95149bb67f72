// The batch page's typed procedures on a real runtime (Postgres, analyzer, simulated tiers): the job
// list, and the cost summary with what the same answers would have cost on the policy's large tier.
import '../../server/runtime/preload-native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../../server/api/root';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { principal, testRuntime, uid } from './helpers';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await testRuntime();
});
afterAll(async () => {
  await stopRuntime();
});

describe('batch.list and batch.summary', () => {
  it('lists the job and sums its cost against the large-tier baseline', async () => {
    const analyst = createCaller({ runtime, principal: principal('analyst') });
    const tag = uid('sum');
    const { job } = await analyst.batch.create({ name: `${tag}.jsonl`, lines: [{ prompt: `What is 2 + 2? ${tag}` }, '{broken', { prompt: `Name three prime numbers. ${tag}` }] });
    await runtime.batches.settled(job.id);

    const listed = (await analyst.batch.list({ limit: 200 })).find((j) => j.id === job.id);
    expect(listed).toMatchObject({ name: `${tag}.jsonl`, status: 'completed', total: 3, done: 2, failed: 1 });

    const { summary, savings } = await analyst.batch.summary({ id: job.id });
    const full = await analyst.batch.results({ id: job.id });
    expect(summary).toEqual(full.summary);
    expect(savings).toEqual(full.savings);
    expect(summary).toMatchObject({ items: 3, done: 2, failed: 1 });
    expect(savings.costUsd).toBeCloseTo(summary.costUsd, 12);

    const large = runtime.tiers.byName(runtime.policy.current().policy.targets.large)!;
    expect(savings.largeTier).toBe(large.name);
    const expected = full.items
      .filter((i) => i.status === 'done')
      .reduce((s, i) => s + ((i.usage?.prompt_tokens ?? 0) * large.inputPricePerM + (i.usage?.completion_tokens ?? 0) * large.outputPricePerM) / 1e6, 0);
    expect(expected).toBeGreaterThan(0);
    expect(savings.costIfLargeUsd).toBeCloseTo(expected, 12);
    expect(savings.savedUsd).toBeCloseTo(expected - summary.costUsd, 12);
    expect(savings.byTier.reduce((s, t) => s + t.items, 0)).toBe(3);

    await expect(analyst.batch.summary({ id: 'missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(createCaller({ runtime, principal: principal('user') }).batch.list({ limit: 5 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
