// policy.rateLimits: a limit names a key and at least one of requests / tokens per minute.
import { describe, expect, it } from 'vitest';
import { defaultPolicy, policySchema } from './policy';

describe('policy rate limits', () => {
  it('accepts either dimension and defaults to none', () => {
    expect(defaultPolicy().rateLimits).toEqual([]);
    const p = policySchema.parse({ ...defaultPolicy(), rateLimits: [{ apiKeyId: 'k1', tokensPerMinute: 10_000 }, { apiKeyId: 'k2', requestsPerMinute: 60, tokensPerMinute: 5 }] });
    expect(p.rateLimits).toHaveLength(2);
  });

  it('says which field is wrong', () => {
    const none = policySchema.safeParse({ ...defaultPolicy(), rateLimits: [{ apiKeyId: 'k1' }] });
    expect(none.success).toBe(false);
    expect(none.error!.issues[0]).toMatchObject({ path: ['rateLimits', 0, 'requestsPerMinute'], message: 'set requests or tokens per minute' });
    const zero = policySchema.safeParse({ ...defaultPolicy(), rateLimits: [{ apiKeyId: 'k1', requestsPerMinute: 0 }] });
    expect(zero.error!.issues[0]).toMatchObject({ path: ['rateLimits', 0, 'requestsPerMinute'], message: 'requests per minute must be at least 1' });
  });
});
