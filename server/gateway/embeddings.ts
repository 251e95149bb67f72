// Embeddings through the same gates as chat: each embedding tier call is admitted by the tier
// registry (its concurrency limit and bounded queue, shared across replicas with Redis), and the
// request is recorded as one decision with door 'embeddings' (the tiers tried, tokens, cost), so
// it shows on the decisions page, in spend and in the metrics. The door picks the candidate tiers;
// a tier that is unavailable (network, 5xx, timeout, rate limit, full queue) hands the request on.
import { createHash } from 'node:crypto';
import type { EmbeddingsRequest, EmbeddingsResult, EmbeddingsService } from '../contracts/chat';
import type { Principal } from '../contracts/principal';
import { uuidv7 } from '../decisions/ids';
import type { AttemptRecord, DecisionSink } from '../decisions/types';
import { redactPreview } from '../redaction/redact';
import { outcomeOf } from '../routing/attempts';
import { PRIORITIES } from '../tiers/admission';
import { parseUsage } from '../tiers/parse';
import { estimateTokens } from '../tiers/tokens';
import { costUsd, type TierCallOptions, type TierConfig } from '../tiers/types';
import { GatewayError } from './errors';

export interface EmbeddingsDeps {
  tiers: { embeddings(tier: TierConfig, body: Record<string, unknown>, opts?: TierCallOptions): Promise<Record<string, unknown>> };
  sink: DecisionSink;
}

const PASS_ON = new Set(['network', 'timeout', 'http_5xx', 'rate_limited', 'queue_full', 'circuit_open']);

/** The input's text for the hash and the preview (token arrays are said, not shown). */
function inputText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (Array.isArray(input) && input.every((x) => typeof x === 'string')) return input.join('\n');
  const n = Array.isArray(input) ? (Array.isArray(input[0]) ? input.length : 1) : 0;
  return `[${n} token array${n === 1 ? '' : 's'}]`;
}

/** A failed call as the client's error: a timeout is a 504, a full queue a 429, else a 502. */
function failure(err: unknown, decisionId: string): GatewayError {
  const kind = (err as { kind?: unknown } | null)?.kind;
  const message = err instanceof Error ? err.message : 'the embedding tier failed';
  if (kind === 'timeout') return new GatewayError('timeout', message, decisionId);
  if (kind === 'queue_full') return new GatewayError('queue_full', message, decisionId);
  if (kind === 'cancelled') return new GatewayError('upstream_error', 'the request was cancelled', decisionId);
  return new GatewayError('upstream_error', message, decisionId);
}

export function createEmbeddingsService(deps: EmbeddingsDeps): EmbeddingsService {
  return {
    async embed(principal: Principal, req: EmbeddingsRequest): Promise<EmbeddingsResult> {
      const id = uuidv7();
      const createdAt = new Date();
      const t0 = performance.now();
      const text = inputText(req.body.input);
      const attempts: AttemptRecord[] = [];
      const reasons = [`embeddings: ${req.candidates.map((t) => t.name).join(' -> ')}`];
      let answer: { body: Record<string, unknown>; tier: TierConfig } | null = null;
      let last: unknown = null;
      for (const tier of req.candidates) {
        const startedAt = new Date();
        const started = performance.now();
        let queueMs = 0;
        try {
          const body = await deps.tiers.embeddings(tier, req.body, { signal: req.signal, priority: PRIORITIES.standard, onAdmitted: (ms) => (queueMs = ms) });
          const usage = parseUsage({ completion_tokens: 0, ...(body.usage as object | undefined) }) ?? { prompt_tokens: estimateTokens(text), completion_tokens: 0, total_tokens: estimateTokens(text) };
          attempts.push({ seq: attempts.length, tierId: tier.id, tierName: tier.name, step: 'embed', startedAt, latencyMs: performance.now() - started, ttftMs: null, queueMs, tokensIn: usage.prompt_tokens, tokensOut: 0, costUsd: costUsd(tier, usage), outcome: 'ok', detail: null });
          answer = { body, tier };
          break;
        } catch (err) {
          const o = outcomeOf(err);
          attempts.push({ seq: attempts.length, tierId: tier.id, tierName: tier.name, step: 'embed', startedAt, latencyMs: performance.now() - started, ttftMs: null, queueMs, tokensIn: 0, tokensOut: 0, costUsd: 0, outcome: o.outcome, detail: o.detail });
          last = err;
          const kind = (err as { kind?: unknown } | null)?.kind;
          if (typeof kind !== 'string' || !PASS_ON.has(kind)) break;
          reasons.push(`tier ${tier.name} failed (${o.outcome}); passed on`);
        }
      }
      const cost = attempts.reduce((s, a) => s + a.costUsd, 0);
      const tokensIn = attempts.reduce((s, a) => s + a.tokensIn, 0);
      try {
        deps.sink.record({
          id, createdAt, principalId: principal.id, apiKeyId: principal.apiKeyId, source: 'api', door: 'embeddings',
          promptHash: createHash('sha256').update(`embeddings:${text}`).digest('hex'), promptPreview: redactPreview(text),
          band: null, score: null, probs: null, signals: null, policyVersion: null,
          plan: { kind: 'embeddings', target: null, chain: req.candidates.map((t) => t.name), reasons },
          finalTier: answer?.tier.name ?? null, cacheStatus: 'off', tokensIn, tokensOut: 0, costUsd: cost,
          // No cheaper routing happened: the baseline is what was spent (no savings are claimed).
          baselineCostUsd: cost, latencyMs: performance.now() - t0, ttftMs: null,
          status: answer ? 'ok' : 'error', errorCode: answer ? null : failure(last, id).code,
          escalations: Math.max(0, attempts.length - 1), attempts,
        });
      } catch {
        // the recorder spools on its own; a throw here is a bug there, not a reason to fail the answer
      }
      if (!answer) throw last instanceof GatewayError ? last : failure(last, id);
      return { body: answer.body, tier: answer.tier.name, decisionId: id };
    },
  };
}
