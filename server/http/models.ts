// GET /v1/models: "auto" plus every enabled chat tier, so clients can list what they may force;
// GET /v1/models/{id}: one of them (embedding tiers too), or a 404 as OpenAI words it.
import type { ApiKeyVerifier, TierDirectory } from '../contracts/ports';
import { authenticate } from './auth';
import { HttpError, toHttpError } from './errors';
import type { TierConfig } from '../tiers/types';
import { errorResult, json, type HttpResult } from './result';

export async function listModels(deps: { tiers: TierDirectory; apiKeys: ApiKeyVerifier }, authorization: string | null): Promise<HttpResult> {
  try {
    await authenticate(deps.apiKeys, authorization);
    const created = Math.floor(Date.now() / 1000);
    const tiers = deps.tiers.list().filter((t) => t.enabled && t.role !== 'embedding');
    const data = [
      autoModel(created),
      ...tiers.map((t) => tierModel(t, created)),
    ];
    return json(200, { object: 'list', data });
  } catch (err) {
    return errorResult(toHttpError(err));
  }
}

const autoModel = (created: number) => ({ id: 'auto', object: 'model', created, owned_by: 'cascade', description: 'Routed by Cascade to the cheapest tier that answers well' });
const tierModel = (t: TierConfig, created: number) => ({ id: t.name, object: 'model', created, owned_by: 'cascade', role: t.role, upstream_model: t.model });

export async function getModel(deps: { tiers: TierDirectory; apiKeys: ApiKeyVerifier }, authorization: string | null, id: string): Promise<HttpResult> {
  try {
    await authenticate(deps.apiKeys, authorization);
    const created = Math.floor(Date.now() / 1000);
    if (id === 'auto') return json(200, autoModel(created));
    const tier = deps.tiers.byName(id);
    if (!tier?.enabled) throw new HttpError(404, `The model '${id}' does not exist or you do not have access to it.`, 'invalid_request_error', 'model', 'model_not_found');
    return json(200, tierModel(tier, created));
  } catch (err) {
    return errorResult(toHttpError(err));
  }
}
