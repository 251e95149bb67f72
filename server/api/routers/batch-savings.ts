// What a batch would have cost had every answered item gone to the large tier, next to what it did
// cost: the batch page's cost summary. Pure; the same baseline the dashboards use (the answer's
// tokens at the large tier's prices), so a batch's savings read the same as live traffic's.
import type { ItemResult } from '../../batch/types';
import type { TierConfig } from '../../tiers/types';

type Price = Pick<TierConfig, 'name' | 'inputPricePerM' | 'outputPricePerM'>;

export interface TierSavings {
  tier: string;
  items: number;
  done: number;
  failed: number;
  costUsd: number;
  costIfLargeUsd: number;
  tokensIn: number;
  tokensOut: number;
}

export interface BatchSavings {
  /** The tier the baseline prices at; null when the policy's large tier is unknown. */
  largeTier: string | null;
  costUsd: number;
  costIfLargeUsd: number;
  savedUsd: number;
  /** savedUsd / costIfLargeUsd; null when the baseline is 0. */
  savedShare: number | null;
  byTier: TierSavings[];
}

export function batchSavings(items: readonly ItemResult[], large: Price | undefined): BatchSavings {
  const by = new Map<string, TierSavings>();
  let cost = 0;
  let baseline = 0;
  for (const i of items) {
    const tier = i.answeredBy ?? i.tier ?? '(none)';
    const t = by.get(tier) ?? { tier, items: 0, done: 0, failed: 0, costUsd: 0, costIfLargeUsd: 0, tokensIn: 0, tokensOut: 0 };
    const tin = i.usage?.prompt_tokens ?? 0;
    const tout = i.usage?.completion_tokens ?? 0;
    // Only answered items have a baseline: a failed or cancelled item would not have been paid for on large either.
    const ifLarge = large && i.status === 'done' ? (tin * large.inputPricePerM + tout * large.outputPricePerM) / 1e6 : 0;
    t.items++;
    if (i.status === 'done') t.done++;
    if (i.status === 'failed') t.failed++;
    t.costUsd += i.costUsd;
    t.costIfLargeUsd += ifLarge;
    t.tokensIn += tin;
    t.tokensOut += tout;
    by.set(tier, t);
    cost += i.costUsd;
    baseline += ifLarge;
  }
  return {
    largeTier: large?.name ?? null,
    costUsd: cost,
    costIfLargeUsd: baseline,
    savedUsd: baseline - cost,
    savedShare: baseline > 0 ? (baseline - cost) / baseline : null,
    byTier: [...by.values()].sort((a, b) => b.items - a.items || a.tier.localeCompare(b.tier)),
  };
}
