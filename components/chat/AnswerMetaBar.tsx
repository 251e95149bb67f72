'use client';
import type { AnswerMeta } from '@/lib/chat-stream';
import { int, tierClass, usd } from '@/lib/format';

export function AnswerMetaBar({ meta, streaming }: { meta: AnswerMeta; streaming: boolean }) {
  return (
    <div className="meta" data-testid="answer-meta">
      {meta.tier && (
        <span className={tierClass(meta.tier)} data-testid="tier-badge" title="Tier that answered">
          {meta.tier}
        </span>
      )}
      {meta.cached && <span className="badge cached">cached</span>}
      {meta.escalated && <span className="badge escalated">escalated</span>}
      {meta.simulated && <span className="badge simulated">simulated</span>}
      {meta.band && <span title="Complexity band">band: {meta.band}</span>}
      {!streaming && meta.costUsd !== null && (
        <span data-testid="answer-cost" title="What this answer cost: every call it took (escalations, research steps), as its decision records it">
          cost {meta.cached && meta.costUsd === 0 ? '$0 (from the cache)' : usd(meta.costUsd)}
        </span>
      )}
      {!streaming && meta.tokensOut !== null && !meta.cached && (
        <span data-testid="answer-tokens" title="Tokens in → out over all calls of this answer">
          {meta.attempts !== null && meta.attempts > 1 ? `${meta.attempts} calls · ` : ''}
          {int(meta.tokensIn ?? 0)} → {int(meta.tokensOut)} tokens
        </span>
      )}

    </div>
  );
}
