// The in-process token bucket: the same arithmetic as the Redis script BUCKET_TAKE (lua.ts), for a
// single replica. Capacity is the per-minute limit; the bucket refills continuously.
import type { RateLimit, RateLimiter, RateVerdict } from './types';

interface Level {
  t: number;
  at: number;
}

export function localRateLimiter(now: () => number = Date.now): RateLimiter & { size(): number } {
  const buckets = new Map<string, Level>();
  const level = (key: string, cap: number, at: number): number => {
    const b = buckets.get(key);
    if (!b) return cap;
    return Math.min(cap, b.t + ((at - b.at) * cap) / 60_000);
  };
  const sweep = (at: number) => {
    // idle buckets are full again after a minute: forget them (the map must not grow with keys)
    if (buckets.size < 10_000) return;
    for (const [k, b] of buckets) if (at - b.at > 120_000) buckets.delete(k);
  };
  return {
    async take(key: string, limit: RateLimit, estTokens: number): Promise<RateVerdict> {
      const at = now();
      sweep(at);
      const rcap = limit.requestsPerMinute ?? 0;
      const tcap = limit.tokensPerMinute ?? 0;
      const r = rcap > 0 ? level(`${key}:r`, rcap, at) : 0;
      if (rcap > 0 && r < 1) return { ok: false, retryAfterMs: Math.ceil(((1 - r) * 60_000) / rcap), limit: 'requests' };
      const t = tcap > 0 ? level(`${key}:t`, tcap, at) : 0;
      const need = Math.min(estTokens, tcap);
      if (tcap > 0 && t < need) return { ok: false, retryAfterMs: Math.ceil(((need - t) * 60_000) / tcap), limit: 'tokens' };
      if (rcap > 0) buckets.set(`${key}:r`, { t: r - 1, at });
      if (tcap > 0) buckets.set(`${key}:t`, { t: t - estTokens, at });
      return { ok: true };
    },
    async settle(key: string, limit: RateLimit, deltaTokens: number): Promise<void> {
      const tcap = limit.tokensPerMinute ?? 0;
      if (tcap <= 0 || deltaTokens === 0) return;
      const at = now();
      buckets.set(`${key}:t`, { t: level(`${key}:t`, tcap, at) - deltaTokens, at });
    },
    size: () => buckets.size,
  };
}
