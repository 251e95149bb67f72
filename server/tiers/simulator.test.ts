// The simulator over real HTTP, driven by the real connector.
import { afterEach, describe, expect, it } from 'vitest';
import { chat, chatStream, health, listModels } from './connector';
import { TierError } from './errors';
import { simulatedTierConfigs, startSimulator, type Simulator } from './simulator';
import type { TierConfig } from './types';
import { parseVllmMetrics } from './vllm-metrics';

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function sim(opts: Parameters<typeof startSimulator>[0] = {}) {
  const s = await startSimulator({ speed: 50, ...opts });
  sims.push(s);
  return s;
}
const tier = (s: Simulator, role: 'small' | 'medium' | 'large'): TierConfig => simulatedTierConfigs(s.baseUrl, 10_000).find((t) => t.role === role)!;
const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });

describe('simulator', () => {
  it('answers marked as simulated, deterministic per prompt and seed, with usage', async () => {
    const s = await sim();
    const a = await chat(tier(s, 'medium'), ask('Explain photosynthesis in plants'));
    const b = await chat(tier(s, 'medium'), ask('Explain photosynthesis in plants'));
    expect(a.content).toMatch(/^\[simulated medium\] /);
    expect(a.content).toMatch(/photosynthesis|plants|explain/);
    expect(b.content).toBe(a.content);
    expect(a.usageEstimated).toBe(false);
    expect(a.usage.completion_tokens).toBeGreaterThanOrEqual(40);
    const other = await startSimulator({ speed: 50, seed: 7 });
    sims.push(other);
    expect((await chat(tier(other, 'medium'), ask('Explain photosynthesis in plants'))).content).not.toBe(a.content);
  });

  it('streams the same answer with usage at the end', async () => {
    const s = await sim();
    const full = await chat(tier(s, 'small'), ask('What is TCP?'));
    let text = '';
    let last;
    for await (const c of chatStream(tier(s, 'small'), ask('What is TCP?'))) {
      text += c.delta;
      last = c;
    }
    expect(text).toBe(full.content);
    expect(last?.finishReason).toBe('stop');
    expect(last?.usage?.completion_tokens).toBe(full.usage.completion_tokens);
  });

  it('caps at max_tokens with finish_reason length, JSON when asked, logprobs when asked', async () => {
    const s = await sim();
    const capped = await chat(tier(s, 'large'), { ...ask('Write an essay on rivers'), max_tokens: 5 });
    expect(capped.finishReason).toBe('length');
    expect(capped.usage.completion_tokens).toBe(5);
    const j = await chat(tier(s, 'small'), { ...ask('List colours'), response_format: { type: 'json_object' } });
    expect(JSON.parse(j.content)).toMatchObject({ simulated: 'small' });
    const lp = await chat(tier(s, 'small'), { ...ask('hello there'), logprobs: true });
    expect(lp.logprobs?.length).toBe(lp.usage.completion_tokens);
    expect(lp.logprobs?.every((x) => x <= 0)).toBe(true);
  });

  it('fails at the configured rate and lets the oracle decide outcomes', async () => {
    const s = await sim({ models: { 'sim-small': { failureRate: 1 } } });
    const e = await chat(tier(s, 'small'), ask('hi')).catch((x: TierError) => x);
    expect(e).toBeInstanceOf(TierError);
    expect((e as TierError).kind).toBe('http_5xx');
    s.setFailureRate('sim-small', 0);
    expect((await chat(tier(s, 'small'), ask('hi'))).content).toMatch(/simulated small/);
    s.setOracle(({ role, prompt }) => (role === 'small' && prompt.includes('hard') ? { refuse: true, correct: false, quality: 0.1 } : { correct: true, quality: 0.95 }));
    const refused = await chat(tier(s, 'small'), ask('a hard one'));
    expect(refused.content).toMatch(/I'm sorry/);
    expect((refused.raw as { cascade_simulation: { correct: boolean } }).cascade_simulation.correct).toBe(false);
    const fine = await chat(tier(s, 'large'), ask('a hard one'));
    expect((fine.raw as { cascade_simulation: { quality: number } }).cascade_simulation.quality).toBe(0.95);
  });

  it('serves /v1/models, /health and vLLM /metrics, and rejects bad input with OpenAI errors', async () => {
    const s = await sim();
    expect(await listModels(tier(s, 'small'))).toEqual(['sim-small', 'sim-medium', 'sim-large']);
    expect((await health(tier(s, 'small'))).ok).toBe(true);
    const m = await (await fetch(`${s.url}/metrics`)).text();
    expect(m).toContain('vllm:num_requests_running{model_name="sim-small"} 0');
    expect(m).toContain('vllm:kv_cache_usage_perc');
    const bad = await fetch(`${s.baseUrl}/chat/completions`, { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/JSON/);
    const unknown = await chat({ ...tier(s, 'small'), model: 'gpt-9' }, ask('hi')).catch((x: TierError) => x);
    expect((unknown as TierError).kind).toBe('http_4xx');
    expect((unknown as TierError).message).toMatch(/does not exist/);
    const empty = await fetch(`${s.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'sim-small', messages: [] }) });
    expect(empty.status).toBe(400);
  });

  it('queues beyond maxConcurrency like vLLM and shows it on /metrics (what the scraper reads)', async () => {
    const s = await sim({ speed: 1, models: { 'sim-large': { maxConcurrency: 1, ttftMs: 30_000 } } });
    const pending = [1, 2, 3].map((i) => chat(tier(s, 'large'), ask(`q${i}`)).catch(() => null));
    let load = { running: 0, waiting: 0 };
    while (load.running + load.waiting < 3) {
      await new Promise((r) => setTimeout(r, 20));
      const text = await (await fetch(`${s.url}/metrics`)).text();
      load = parseVllmMetrics(text, 'sim-large');
    }
    expect(load).toMatchObject({ running: 1, waiting: 2, kvCacheUsage: 1 });
    await s.close();
    await Promise.all(pending);
  });
});
