'use client';
import type { AnswerMeta } from '@/lib/chat-stream';
import { tierClass, usd } from '@/lib/format';

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
      {!streaming && meta.costUsd !== null && <span data-testid="answer-cost" title="Cost of this answer">cost {usd(meta.costUsd)}</span>}
      {!streaming && meta.tokensOut !== null && <span>{meta.tokensIn ?? 0} → {meta.tokensOut} tokens</span>}
    </div>
  );
}
