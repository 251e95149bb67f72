// POST /v1/embeddings: routed to the embedding tier(s) (role 'embedding'). `model` names one, or is
// "auto" (or anything that is no tier's name) for the first enabled one; a tier that fails with a
// network error, a 5xx or a timeout hands the request to the next. No embedding tier: a 404 that says so.
import { z } from 'zod';
import type { ApiKeyVerifier, TierDirectory } from '../../contracts/ports';
import { callEmbeddings } from '../../tiers/embeddings';
import { isTierError } from '../../tiers/errors';
import type { TierConfig } from '../../tiers/types';
import { readJsonBody } from '../body';
import type { V1Request } from '../chat-completions';
import { HttpError, toHttpError } from '../errors';
import { errorResult, json, type HttpResult } from '../result';
import { authenticateAnyHeader } from './auth';
import { parseOr400 } from './zod-issue';

const tokens = z.array(z.number().int().nonnegative()).min(1, 'token arrays must not be empty');
export const embeddingsSchema = z.looseObject({
  model: z.string({ error: 'model is required (use "auto" for the first embedding tier)' }).min(1),
  input: z.union([z.string().min(1, 'input must not be empty'), z.array(z.string().min(1, 'input strings must not be empty')).min(1).max(2048), tokens, z.array(tokens).min(1).max(2048)], {
    error: 'input must be a string, an array of strings, or token arrays',
  }),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
});

export interface EmbeddingsDeps {
  tiers: TierDirectory;
  apiKeys: ApiKeyVerifier;
  maxBodyBytes: number;
}

function candidates(tiers: TierDirectory, model: string): TierConfig[] {
  const all = tiers.list().filter((t) => t.enabled && t.role === 'embedding');
  if (all.length === 0) throw new HttpError(404, "No embedding tier is configured: add a tier with role 'embedding' (any OpenAI-compatible /v1/embeddings: vLLM, TEI, Ollama).", 'invalid_request_error', 'model', 'model_not_found');
  const named = tiers.byName(model);
  if (named && named.role !== 'embedding') throw new HttpError(400, `Tier ${model} is a ${named.role} chat tier, not an embedding tier.`, 'invalid_request_error', 'model', 'invalid_request');
  if (named && !named.enabled) throw new HttpError(404, `The model '${model}' is disabled.`, 'invalid_request_error', 'model', 'model_not_found');
  return named ? [named] : all;
}

export async function postEmbeddings(deps: EmbeddingsDeps, call: V1Request): Promise<HttpResult> {
  try {
    await authenticateAnyHeader(deps.apiKeys, call.header);
    const raw = await readJsonBody(call.body, deps.maxBodyBytes, call.header('content-length'));
    const body = parseOr400(embeddingsSchema, raw);
    const tiers = candidates(deps.tiers, body.model);
    let last: unknown;
    for (const tier of tiers) {
      try {
        const answer = await callEmbeddings(tier, raw as Record<string, unknown>, call.signal);
        return json(200, { ...answer, model: tier.name }, { 'x-cascade-tier': tier.name });
      } catch (err) {
        last = err;
        // A bad request fails the same on every tier; only an unavailable one is worth passing on.
        if (!isTierError(err) || !['network', 'timeout', 'http_5xx', 'rate_limited'].includes(err.kind)) break;
      }
    }
    throw upstreamFailure(last);
  } catch (err) {
    return errorResult(toHttpError(err));
  }
}

/** A failed tier call as the client's error: the tier's words, a 504 for a timeout, else a 502. */
function upstreamFailure(err: unknown): unknown {
  if (!isTierError(err)) return err;
  return err.kind === 'timeout'
    ? new HttpError(504, err.message, 'server_error', null, 'timeout')
    : new HttpError(502, err.message, 'server_error', null, 'upstream_error');
}
