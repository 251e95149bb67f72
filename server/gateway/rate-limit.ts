// Per-key rate limits (policy.rateLimits) in front of the chat service: one request and the
// prompt's estimated tokens are taken from the key's buckets before anything else runs (a refused
// request costs no analysis and leaves no decision record: it never entered the pipeline), and the
// token bucket is corrected by the actual usage once the answer is known. Refusal: 429 with
// Retry-After. The buckets live in server/coord (Redis when replicas share them).
import type { ChatService, GatewayRequest } from '../contracts/chat';
import type { RateLimiter } from '../coord/types';
import type { Policy } from '../routing/policy';
import { estimatePromptTokens } from '../tiers/tokens';
import type { Usage } from '../tiers/types';
import { DomainError } from '../lib/errors';

export class RateLimitError extends DomainError {
  constructor(
    readonly limit: 'requests' | 'tokens',
    retryAfterMs: number,
  ) {
    super('rate_limited', `rate limit of this API key reached (${limit} per minute); retry after ${Math.ceil(retryAfterMs / 1000)} s`, { retryAfterMs });
  }
}

export function rateLimitedChat(chat: ChatService, limiter: RateLimiter, policy: { current(): { policy: Policy } }, onRefused?: (limit: 'requests' | 'tokens') => void): ChatService {
  const admit = async (apiKeyId: string | null, req: GatewayRequest) => {
    if (!apiKeyId) return null;
    const limits = policy.current().policy.rateLimits;
    if (limits.length === 0) return null;
    const limit = limits.find((l) => l.apiKeyId === apiKeyId);
    if (!limit) return null;
    const est = estimatePromptTokens(req.messages);
    // A limiter that cannot be reached (Redis down) must not take the API down: the request passes.
    const v = await limiter.take(apiKeyId, limit, est).catch(() => ({ ok: true as const }));
    if (!v.ok) {
      onRefused?.(v.limit);
      throw new RateLimitError(v.limit, v.retryAfterMs);
    }
    return { settle: (u: Usage | undefined) => (limit.tokensPerMinute && u ? void limiter.settle(apiKeyId, limit, u.total_tokens - est).catch(() => undefined) : undefined) };
  };
  return {
    async complete(principal, req) {
      const t = await admit(principal.apiKeyId, req);
      const r = await chat.complete(principal, req);
      t?.settle(r.usage);
      return r;
    },
    async stream(principal, req) {
      const t = await admit(principal.apiKeyId, req);
      const s = await chat.stream(principal, req);
      if (!t) return s;
      const inner = s.events;
      async function* events() {
        for await (const ev of inner) {
          if (ev.type === 'done') t!.settle(ev.usage);
          yield ev;
        }
      }
      return { ...s, events: events() };
    },
  };
}
