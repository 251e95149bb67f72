// Databases seeded by earlier versions name the simulated models differently (sim-large-frontier, …);
// the embedded simulator must still answer them, or an upgraded install fails every request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGACY_SIMULATED_MODELS, SIMULATED_TIERS } from '../../server/repos/seed';
import { stopRuntime, type Runtime } from '../../server/runtime';
import { testRuntime } from './helpers';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await testRuntime();
}, 120_000);
afterAll(() => stopRuntime());

describe('the embedded simulator', () => {
  it('answers the current and the earlier seeded model names', async () => {
    const sim = runtime.tiers.list().find((t) => t.kind === 'simulated');
    expect(sim).toBeDefined();
    for (const { model } of [...SIMULATED_TIERS, ...LEGACY_SIMULATED_MODELS]) {
      const res = await fetch(`${sim!.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 }),
      });
      expect(res.status, `${model}: ${await res.clone().text()}`).toBe(200);
    }
  });
});
