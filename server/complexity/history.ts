// Historical pattern matching: past queries with recorded outcomes (which tier answered, did it
// succeed). The k nearest past queries tilt an assessment toward harder or easier bands.
// The in-memory store uses a usearch HNSW index over the featurizer's folded word n-gram vector.
import { readFileSync } from 'node:fs';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { embed, featurize, type FeatureParams, type Features } from './featurize';
import { TierSuccessModel, type TierEstimate, type TierModelOptions } from './history-model';
import { TIERS, type Outcome, type Tier } from './history-types';

export { TIERS, type Outcome, type Tier } from './history-types';

export interface PastQuery {
  text: string;
  outcomes: Outcome[];
  /** Cosine similarity to the asked text, in [-1, 1]. */
  similarity: number;
}

/** Where past queries come from. Implementations: in memory (below); a database-backed one can follow. */
/** A text's features as the analyzer already made them, with the parameters they were made with. */
export interface Prefeaturized {
  f: Features;
  params: FeatureParams;
}

export interface HistoryStore {
  /** `pre`: the analyzer's features of `text`; a store featurizing with the same parameters uses them instead of featurizing again. */
  neighbours(text: string, k: number, pre?: Prefeaturized): Promise<PastQuery[]>;
  /**
   * Learned per-tier success estimate for a query featurized with the store's feature parameters
   * (history-model.ts); null when the store has no model. Synchronous and cheap: the hot path.
   */
  estimate?(f: Features): TierEstimate | null;
  readonly size: number;
}

export const EMBED_DIM = 256;

export class MemoryHistoryStore implements HistoryStore {
  private readonly index = new Index({
    dimensions: EMBED_DIM,
    metric: MetricKind.Cos,
    quantization: ScalarKind.F32,
    connectivity: 16,
    expansion_add: 64,
    expansion_search: 64,
    multi: false,
  });
  private readonly records: { text: string; outcomes: Outcome[] }[] = [];
  private readonly model: TierSuccessModel;
  private unfitted = 0;
  private fitting = false;

  constructor(
    private readonly params: FeatureParams,
    opts: { model?: TierModelOptions } = {},
  ) {
    this.model = new TierSuccessModel(params, opts.model);
  }

  get size(): number {
    return this.records.length;
  }

  /**
   * Adds a past query. The learned estimate takes a few SGD steps toward it at once; when a tenth
   * of the store (at least 30 outcomes) arrived since the last full fit, a refit starts after the
   * current synchronous work (so a start-up loop of adds is fitted once) and runs in small chunks
   * between requests; until it ends, estimates use the previous weights.
   */
  add(text: string, outcomes: Outcome[]): void {
    const f = featurize(text, this.params);
    const vector = embed(f, EMBED_DIM);
    // An all-zero vector (empty text) has no direction; cosine search cannot place it.
    if (!vector.some((v) => v !== 0)) return;
    this.index.add(BigInt(this.records.length), vector);
    this.records.push({ text, outcomes });
    // While a refit is pending, its result replaces these SGD steps: skip them.
    this.model.add(f, outcomes, !this.fitting);
    this.unfitted++;
    if (!this.fitting && this.unfitted >= Math.max(30, 0.1 * this.model.size)) {
      this.fitting = true;
      setImmediate(() => {
        // A synchronous fit() since scheduling (bulk loaders, the evaluator) already did the work.
        if (this.unfitted === 0) {
          this.fitting = false;
          return;
        }
        this.unfitted = 0;
        this.model
          .fitInBackground()
          .catch(() => undefined)
          .finally(() => (this.fitting = false));
      });
    }
  }

  /** Refits the learned estimate on everything stored now, synchronously (bulk loads, evaluation). */
  fit(): void {
    this.model.fit();
    this.unfitted = 0;
  }

  estimate(f: Features): TierEstimate {
    return this.model.estimate(f);
  }

  async neighbours(text: string, k: number, pre?: Prefeaturized): Promise<PastQuery[]> {
    if (this.records.length === 0 || k <= 0) return [];
    // The same features either way (featurize is deterministic): only the parameters must match.
    const f = pre && pre.params === this.params ? pre.f : featurize(text, this.params);
    const vector = embed(f, EMBED_DIM);
    if (!vector.some((v) => v !== 0)) return [];
    const found = this.index.search(vector, Math.min(k, this.records.length), 0);
    const out: PastQuery[] = [];
    for (let i = 0; i < found.keys.length; i++) {
      const r = this.records[Number(found.keys[i])];
      if (r) out.push({ text: r.text, outcomes: r.outcomes, similarity: 1 - found.distances[i] });
    }
    return out;
  }
}

/** Tier of a model from its parameter count, per the product's tiers (Small 1–3B, Medium 7–13B, Large 70B+). */
export function tierOfSize(size: string): Tier {
  const billions = Number.parseFloat(size);
  if (!Number.isFinite(billions)) return 'large';
  if (billions <= 4) return 'small';
  if (billions <= 20) return 'medium';
  return 'large';
}

interface OutcomeRow {
  prompt?: unknown;
  outcomes?: Record<string, { score?: unknown }>;
}

/**
 * Reads ../shared/data/outcomes-style JSON Lines: {prompt, outcomes: {model: {score}}}. A tier
 * succeeded on a prompt when its models' mean score is >= 0.5. `modelTiers` maps model -> tier;
 * models not in it are skipped.
 */
export function outcomesFromJsonl(path: string, modelTiers: Record<string, Tier>, limit = Infinity): { text: string; outcomes: Outcome[] }[] {
  const out: { text: string; outcomes: Outcome[] }[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (out.length >= limit) break;
    if (!line.trim()) continue;
    let row: OutcomeRow;
    try {
      row = JSON.parse(line) as OutcomeRow;
    } catch {
      continue;
    }
    if (typeof row.prompt !== 'string' || !row.outcomes) continue;
    const scores = new Map<Tier, number[]>();
    for (const [model, o] of Object.entries(row.outcomes)) {
      const tier = modelTiers[model];
      if (tier && typeof o?.score === 'number' && Number.isFinite(o.score)) scores.set(tier, [...(scores.get(tier) ?? []), o.score]);
    }
    const outcomes = TIERS.filter((t) => scores.has(t)).map((tier) => {
      const s = scores.get(tier)!;
      return { tier, success: s.reduce((a, b) => a + b, 0) / s.length >= 0.5 };
    });
    if (outcomes.length > 0) out.push({ text: row.prompt, outcomes });
  }
  return out;
}

/** Model -> tier for the shared recordings: llmrouter sizes from its models file, RouteLLM by name. */
export function defaultModelTiers(dir: string): Record<string, Tier> {
  const tiers: Record<string, Tier> = {};
  try {
    const models = JSON.parse(readFileSync(`${dir}/llmrouter.models.json`, 'utf8')) as { models: Record<string, { size: string }> };
    for (const [name, m] of Object.entries(models.models)) tiers[name] = tierOfSize(m.size);
  } catch {
    // No llmrouter models file: only the RouteLLM names are known.
  }
  // RouteLLM pairs: Mixtral 8x7B (~13B active) is the medium tier, GPT-4 the large one.
  return { ...tiers, 'mixtral-8x7b-instruct-v0.1': 'medium', 'gpt-4-1106-preview': 'large' };
}

/** Builds an in-memory store from every outcomes/*.jsonl file in `dir` (at most `limitPerFile` rows each). */
export function loadHistoryStore(dir: string, params: FeatureParams, opts: { files?: string[]; limitPerFile?: number } = {}): MemoryHistoryStore {
  const store = new MemoryHistoryStore(params);
  const tiers = defaultModelTiers(dir);
  const files = opts.files ?? ['llmrouter.jsonl', 'routellm-gsm8k.jsonl', 'routellm-mmlu.jsonl'];
  for (const f of files) for (const r of outcomesFromJsonl(`${dir}/${f}`, tiers, opts.limitPerFile)) store.add(r.text, r.outcomes);
  store.fit();
  return store;
}

export interface HistorySignal {
  neighbours: number;
  /** Success rate of the small tier among neighbours that have a small-tier outcome; null if none do. */
  smallSuccessRate: number | null;
  /** Similarity-weighted share of neighbours whose cheapest recorded tier succeeded. */
  cheapestSuccessRate: number | null;
  /** Logit tilt toward harder (> 0) or easier (< 0) bands. */
  shift: number;
}

/**
 * How neighbours move the assessment. Neighbours below `minSimilarity` are ignored. When the
 * cheapest tier usually failed on similar queries the tilt is positive (harder), when it usually
 * succeeded it is negative; the tilt is scaled by similarity and capped at ±maxShift.
 */
export function historySignal(neighbours: PastQuery[], opts: { minSimilarity?: number; strength?: number; neutral?: number; maxShift?: number } = {}): HistorySignal {
  const minSim = opts.minSimilarity ?? 0.35;
  const strength = opts.strength ?? 2;
  const neutral = opts.neutral ?? 0.6;
  const maxShift = opts.maxShift ?? 1;
  const close = neighbours.filter((n) => Number.isFinite(n.similarity) && n.similarity >= minSim && n.outcomes.length > 0);
  const small = close.flatMap((n) => n.outcomes.filter((o) => o.tier === 'small'));
  const smallSuccessRate = small.length ? small.filter((o) => o.success).length / small.length : null;
  if (close.length === 0) return { neighbours: 0, smallSuccessRate, cheapestSuccessRate: null, shift: 0 };
  let weight = 0;
  let succeeded = 0;
  for (const n of close) {
    const cheapest = TIERS.map((t) => n.outcomes.find((o) => o.tier === t)).find(Boolean)!;
    weight += n.similarity;
    if (cheapest.success) succeeded += n.similarity;
  }
  const rate = succeeded / weight;
  const confidence = weight / close.length;
  const shift = Math.max(-maxShift, Math.min(maxShift, strength * (neutral - rate) * confidence));
  return { neighbours: close.length, smallSuccessRate, cheapestSuccessRate: rate, shift };
}
