// Results of a job: one row per line of the input, in line order, and a cost summary. The JSON
// Lines download is those rows followed by one {"summary": ...} line.
import type { BatchStore } from './store';
import type { CostSummary, ItemResult, ItemStatus } from './types';

type Row = Awaited<ReturnType<BatchStore['items']>>[number];

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : null);

export function toItemResult(r: Row): ItemResult {
  const res = (r.result && typeof r.result === 'object' ? r.result : {}) as Record<string, unknown>;
  const req = (r.request && typeof r.request === 'object' ? r.request : {}) as Record<string, unknown>;
  const u = res.usage as Record<string, unknown> | undefined;
  return {
    line: r.line,
    customId: str(req.customId),
    status: r.status,
    tier: r.tier,
    answeredBy: str(res.answeredBy),
    content: str(res.content),
    finishReason: str(res.finishReason),
    usage: u && typeof u === 'object' ? { prompt_tokens: num(u.prompt_tokens), completion_tokens: num(u.completion_tokens), total_tokens: num(u.total_tokens) } : null,
    escalated: res.escalated === true,
    cached: res.cached === true,
    costUsd: num(r.costUsd),
    decisionId: r.decisionId,
    error: r.error,
  };
}

export function summarize(items: readonly ItemResult[]): CostSummary {
  const count = (s: ItemStatus) => items.filter((i) => i.status === s).length;
  const byTier: CostSummary['byTier'] = {};
  let costUsd = 0;
  let tokensIn = 0;
  let tokensOut = 0;
  for (const i of items) {
    costUsd += i.costUsd;
    tokensIn += i.usage?.prompt_tokens ?? 0;
    tokensOut += i.usage?.completion_tokens ?? 0;
    // cost is attributed to the tier that answered; refusals and bad lines to their group or '(none)'
    const key = i.answeredBy ?? i.tier ?? '(none)';
    const t = (byTier[key] ??= { items: 0, done: 0, failed: 0, costUsd: 0, tokensIn: 0, tokensOut: 0 });
    t.items++;
    if (i.status === 'done') t.done++;
    if (i.status === 'failed') t.failed++;
    t.costUsd += i.costUsd;
    t.tokensIn += i.usage?.prompt_tokens ?? 0;
    t.tokensOut += i.usage?.completion_tokens ?? 0;
  }
  const done = count('done');
  return {
    items: items.length, done, failed: count('failed'), cancelled: count('cancelled'), pending: count('queued'),
    costUsd, avgCostUsd: done > 0 ? costUsd / done : 0, tokensIn, tokensOut, byTier,
  };
}

/** The download: one JSON object per line (snake_case, like OpenAI's batch output), then the summary. */
export function* resultsJsonl(items: readonly ItemResult[], summary: CostSummary): Generator<string> {
  for (const i of items) {
    yield `${JSON.stringify({
      line: i.line, custom_id: i.customId, status: i.status, tier: i.tier, answered_by: i.answeredBy, content: i.content,
      finish_reason: i.finishReason, usage: i.usage, escalated: i.escalated, cached: i.cached, cost_usd: i.costUsd, decision_id: i.decisionId, error: i.error,
    })}\n`;
  }
  yield `${JSON.stringify({ summary })}\n`;
}
