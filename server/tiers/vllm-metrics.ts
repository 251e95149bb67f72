// Reads a vLLM server's load from its Prometheus /metrics text with the maintained parser
// parse-prometheus-text-format. Names: vllm:num_requests_running, vllm:num_requests_waiting, and
// KV-cache usage as vllm:kv_cache_usage_perc (V1, vLLM >= 0.10) or vllm:gpu_cache_usage_perc (older).
import { DomainError } from '../lib/errors';
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';

export interface TierLoad {
  running: number;
  waiting: number;
  /** 0..1, null when the server does not export it. */
  kvCacheUsage: number | null;
  /** Epoch ms of the scrape. */
  scrapedAt: number;
}

export class MetricsParseError extends DomainError {
  constructor(message: string) {
    super('upstream_error', message);
  }
}

const RUNNING = 'vllm:num_requests_running';
const WAITING = 'vllm:num_requests_waiting';
const KV = ['vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc'];

/**
 * Extracts the load gauges. With `model`, only series labelled model_name=model count (one server
 * may serve several models); when none carry that label, all series count. Throws
 * MetricsParseError when the text is not Prometheus format or has no vLLM gauges.
 */
export function parseVllmMetrics(text: string, model?: string, now = Date.now()): TierLoad {
  let families: PromFamily[];
  try {
    families = parsePrometheusTextFormat(text);
  } catch (err) {
    throw new MetricsParseError(`not Prometheus text format: ${(err as Error).message}`);
  }
  const byName = new Map(families.map((f) => [f.name, f]));
  const values = (name: string): number[] | null => {
    const fam = byName.get(name);
    if (!fam) return null;
    const all = fam.metrics.filter((m) => m.value !== undefined);
    const mine = model ? all.filter((m) => m.labels?.model_name === model) : [];
    const chosen = mine.length > 0 ? mine : all;
    const nums = chosen.map((m) => Number(m.value)).filter((v) => Number.isFinite(v) && v >= 0);
    return nums.length > 0 ? nums : null;
  };
  const running = values(RUNNING);
  const waiting = values(WAITING);
  if (!running && !waiting) throw new MetricsParseError(`no ${RUNNING} or ${WAITING} in /metrics: not a vLLM server?`);
  const kv = KV.map(values).find((v) => v !== null) ?? null;
  const sum = (xs: number[] | null) => (xs ? xs.reduce((a, b) => a + b, 0) : 0);
  return {
    running: sum(running),
    waiting: sum(waiting),
    kvCacheUsage: kv ? Math.min(1, Math.max(...kv)) : null,
    scrapedAt: now,
  };
}
