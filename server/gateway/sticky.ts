// Conversations stay on one tier across turns, so the tier's prefix cache (vLLM's automatic prefix
// caching) is reused, unless a turn escalates, which moves the conversation up for good. The key is
// the client's conversation id when it sends one (x-cascade-conversation, metadata.conversation_id),
// else a hash of what every turn of a conversation starts with: the system prompt and first user
// message. In memory, bounded (LRU) and expiring: losing an entry only costs a prefix-cache miss.
import { createHash } from 'node:crypto';
import type { ChatMessage } from '../tiers/types';

export interface StickyTiers {
  /** The tier this conversation was last answered by, if it is still remembered. */
  get(key: string): string | undefined;
  set(key: string, tier: string): void;
}

export function stickyTiers(opts: { maxEntries?: number; ttlMs?: number; now?: () => number } = {}): StickyTiers {
  const max = opts.maxEntries ?? 50_000;
  const ttl = opts.ttlMs ?? 30 * 60_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { tier: string; at: number }>();
  return {
    get(key) {
      const e = entries.get(key);
      if (!e) return undefined;
      if (now() - e.at > ttl) {
        entries.delete(key);
        return undefined;
      }
      return e.tier;
    },
    set(key, tier) {
      entries.delete(key); // re-inserted last: Map order is the LRU order
      entries.set(key, { tier, at: now() });
      if (entries.size > max) entries.delete(entries.keys().next().value!);
    },
  };
}

/** Whether the request continues a conversation (it has turns after the first user message). */
export function isFollowUp(messages: readonly ChatMessage[]): boolean {
  const firstUser = messages.findIndex((m) => m.role === 'user');
  return firstUser >= 0 && messages.slice(firstUser + 1).some((m) => m.role !== 'system');
}

/** The conversation key of a request: the same for every turn of one conversation; null without a user message. */
export function conversationKey(tenant: string, messages: readonly ChatMessage[], clientKey: string | null | undefined): string | null {
  if (clientKey) return `c:${tenant}:${clientKey.slice(0, 200)}`;
  const firstUser = messages.findIndex((m) => m.role === 'user');
  if (firstUser < 0) return null;
  const h = createHash('sha256').update(tenant);
  for (const m of messages.slice(0, firstUser + 1)) h.update('\u0000').update(m.role).update('\u0000').update(m.content);
  return `h:${h.digest('hex').slice(0, 32)}`;
}
