// POST /v1/embeddings: routed to the embedding tier(s) (role 'embedding'). `model` names one, or is
// "auto" (or anything that is no tier's name) for the first enabled one; the gateway's embeddings
// service admits each call through the tier registry, passes an unavailable tier's request to the
// next, and records one decision (door 'embeddings'). No embedding tier: a 404 that says so.
import { z } from 'zod';
import type { EmbeddingsService } from '../../contracts/chat';
import type { ApiKeyVerifier, TierDirectory } from '../../contracts/ports';
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
  embeddings: EmbeddingsService;
  tiers: TierDirectory;
  apiKeys: ApiKeyVerifier;
  maxBodyBytes: number;
}

function tiersFor(tiers: TierDirectory, model: string): TierConfig[] {
  const all = tiers.list().filter((t) => t.enabled && t.role === 'embedding');
  if (all.length === 0) throw new HttpError(404, "No embedding tier is configured: add a tier with role 'embedding' (any OpenAI-compatible /v1/embeddings: vLLM, TEI, Ollama).", 'invalid_request_error', 'model', 'model_not_found');
  const named = tiers.byName(model);
  if (named && named.role !== 'embedding') throw new HttpError(400, `Tier ${model} is a ${named.role} chat tier, not an embedding tier.`, 'invalid_request_error', 'model', 'invalid_request');
  if (named && !named.enabled) throw new HttpError(404, `The model '${model}' is disabled.`, 'invalid_request_error', 'model', 'model_not_found');
  return named ? [named] : all;
}

export async function postEmbeddings(deps: EmbeddingsDeps, call: V1Request): Promise<HttpResult> {
  try {
    const principal = await authenticateAnyHeader(deps.apiKeys, call.header);
    const raw = await readJsonBody(call.body, deps.maxBodyBytes, call.header('content-length'));
    const body = parseOr400(embeddingsSchema, raw);
    const candidates = tiersFor(deps.tiers, body.model);
    const r = await deps.embeddings.embed(principal, { candidates, body: raw as Record<string, unknown>, signal: call.signal });
    return json(200, { ...r.body, model: r.tier }, { 'x-cascade-tier': r.tier, 'x-cascade-decision-id': r.decisionId });
  } catch (err) {
    return errorResult(toHttpError(err));
  }
}
