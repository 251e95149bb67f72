// vLLM /metrics parsing (real metric names and format) and the scraper + TierRegistry over HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../test/fixtures/upstream';
import { MetricsScraper } from './metrics-scraper';
import { startSimulator, simulatedTierConfigs, type Simulator } from './simulator';
import { createTierRegistry } from './registry';
import type { TierConfig } from './types';
import { MetricsParseError, parseVllmMetrics } from './vllm-metrics';

// The shape vLLM V1 (0.10+) serves with data parallelism: one series per engine, labels
// engine + model_name, histograms and labelled counters around the gauges we read.
const VLLM_V1 = `# HELP python_gc_objects_collected_total Objects collected during gc
# TYPE python_gc_objects_collected_total counter
python_gc_objects_collected_total{generation="0"} 23512.0
# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="Qwen/Qwen2.5-7B-Instruct"} 12.0
vllm:num_requests_running{engine="1",model_name="Qwen/Qwen2.5-7B-Instruct"} 9.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="Qwen/Qwen2.5-7B-Instruct"} 3.0
vllm:num_requests_waiting{engine="1",model_name="Qwen/Qwen2.5-7B-Instruct"} 4.0
# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="Qwen/Qwen2.5-7B-Instruct"} 0.4508602
vllm:kv_cache_usage_perc{engine="1",model_name="Qwen/Qwen2.5-7B-Instruct"} 0.61
# HELP vllm:generation_tokens_total Number of generation tokens processed.
# TYPE vllm:generation_tokens_total counter
vllm:generation_tokens_total{engine="0",model_name="Qwen/Qwen2.5-7B-Instruct"} 4.2421665e+07
# HELP vllm:request_success_total Count of successfully processed requests.
# TYPE vllm:request_success_total counter
vllm:request_success_total{engine="0",finished_reason="stop",model_name="Qwen/Qwen2.5-7B-Instruct"} 63184.0
vllm:request_success_total{engine="0",finished_reason="length",model_name="Qwen/Qwen2.5-7B-Instruct"} 211.0
# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{engine="0",le="0.001",model_name="Qwen/Qwen2.5-7B-Instruct"} 0.0
vllm:time_to_first_token_seconds_bucket{engine="0",le="0.5",model_name="Qwen/Qwen2.5-7B-Instruct"} 61022.0
vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="Qwen/Qwen2.5-7B-Instruct"} 63395.0
vllm:time_to_first_token_seconds_count{engine="0",model_name="Qwen/Qwen2.5-7B-Instruct"} 63395.0
vllm:time_to_first_token_seconds_sum{engine="0",model_name="Qwen/Qwen2.5-7B-Instruct"} 9121.4
`;

// vLLM V0 (before 0.10): no engine label, KV cache as gpu_cache_usage_perc.
const VLLM_V0 = `# HELP vllm:num_requests_running Number of requests currently running on GPU.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{model_name="meta-llama/Llama-3.1-8B-Instruct"} 5.0
# HELP vllm:num_requests_swapped Number of requests swapped to CPU.
# TYPE vllm:num_requests_swapped gauge
vllm:num_requests_swapped{model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{model_name="meta-llama/Llama-3.1-8B-Instruct"} 1.0
# HELP vllm:gpu_cache_usage_perc GPU KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.125
`;

describe('parseVllmMetrics', () => {
  it('sums running/waiting over engines and takes the fullest KV cache (V1 names)', () => {
    const l = parseVllmMetrics(VLLM_V1, 'Qwen/Qwen2.5-7B-Instruct', 1000);
    expect(l).toEqual({ running: 21, waiting: 7, kvCacheUsage: 0.61, scrapedAt: 1000 });
  });

  it('reads the pre-V1 gpu_cache_usage_perc name', () => {
    expect(parseVllmMetrics(VLLM_V0, 'meta-llama/Llama-3.1-8B-Instruct', 5)).toEqual({ running: 5, waiting: 1, kvCacheUsage: 0.125, scrapedAt: 5 });
  });

  it('falls back to all series when no series has the tier model name', () => {
    expect(parseVllmMetrics(VLLM_V0, 'served-under-another-name').running).toBe(5);
  });

  it('rejects text with no vLLM gauges', () => {
    expect(() => parseVllmMetrics('# just a comment\nprocess_cpu_seconds_total 1.5\n')).toThrow(MetricsParseError);
    expect(() => parseVllmMetrics('<html>nope</html>')).toThrow(MetricsParseError);
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
async function upstream(b: Parameters<typeof startFakeUpstream>[0]): Promise<FakeUpstream> {
  const u = await startFakeUpstream(b);
  cleanups.push(() => u.close());
  return u;
}
const vllmTier = (baseUrl: string, over: Partial<TierConfig> = {}): TierConfig => ({
  id: 'v', name: 'vllm-a', role: 'medium', kind: 'vllm', baseUrl, model: 'fake-model', apiKey: null,
  inputPricePerM: 0.5, outputPricePerM: 0.5, maxConcurrency: 8, timeoutMs: 5_000, enabled: true, ...over,
});

describe('MetricsScraper and TierRegistry', () => {
  it('scrapes vLLM tiers only, once per server, and keeps the last good load on failure', async () => {
    const u = await upstream({ model: 'fake-model', metrics: { running: 4, waiting: 9, kvCacheUsage: 0.8 } });
    const s = new MetricsScraper({ intervalMs: 60_000 });
    s.setTiers([vllmTier(u.baseUrl), vllmTier(u.baseUrl, { name: 'vllm-b' }), vllmTier(u.baseUrl, { name: 'openai', kind: 'openai' })]);
    await s.scrapeNow();
    expect(u.hits['/metrics']).toBe(1);
    expect(s.load('vllm-a')).toMatchObject({ running: 4, waiting: 9, kvCacheUsage: 0.8 });
    expect(s.load('vllm-b')).toMatchObject({ waiting: 9 });
    expect(s.load('openai')).toBeUndefined();
    u.setBehaviour({ metrics: { raw: 'garbage that is not prometheus {{{' } });
    await s.scrapeNow();
    expect(s.statusOf('vllm-a')?.lastError).toBeTruthy();
    expect(s.load('vllm-a')).toMatchObject({ waiting: 9 });
    expect(s.load('vllm-a', Date.now() + 10 * 60_000)).toBeUndefined(); // stale
  });

  it('reads the legacy cache name served by a fixture', async () => {
    const u = await upstream({ metrics: { running: 1, waiting: 0, kvCacheUsage: 0.3, legacyCacheName: true } });
    const s = new MetricsScraper();
    s.setTiers([vllmTier(u.baseUrl)]);
    await s.scrapeNow();
    expect(s.load('vllm-a')?.kvCacheUsage).toBe(0.3);
  });

  it('the registry\'s states() combine admission, breaker and scraped load', async () => {
    const u = await upstream({ metrics: { running: 2, waiting: 5, kvCacheUsage: 0.5 } });
    const tiers = [vllmTier(u.baseUrl, { maxConcurrency: 1 })];
    const reg = createTierRegistry({ directory: { list: () => tiers, byName: (n) => tiers.find((t) => t.name === n) }, vllmMetrics: { intervalMs: 60_000 } });
    cleanups.push(async () => reg.stop());
    reg.states(); // starts scraping the vLLM tier
    await reg.scraper!.scrapeNow();
    await reg.chat('vllm-a', { messages: [{ role: 'user', content: 'hi' }] }); // configures its admission
    const held = await reg.admission.acquire('vllm-a', 'interactive');
    const queued = reg.admission.acquire('vllm-a', 'research');
    expect(reg.states()['vllm-a']).toEqual({ enabled: true, breaker: 'closed', queued: 6, waiting: 5, kvCacheUsage: 0.5 });
    held.release();
    (await queued).release();
    expect(reg.states()['vllm-a'].queued).toBe(5);
  });

  it('scrapes the simulator when asked to, per model', async () => {
    const sim: Simulator = await startSimulator({ speed: 100 });
    cleanups.push(() => sim.close());
    const s = new MetricsScraper({ kinds: ['simulated'] });
    s.setTiers(simulatedTierConfigs(sim.baseUrl));
    await s.scrapeNow();
    expect(s.load('sim-large')).toMatchObject({ running: 0, waiting: 0 });
  });

});
