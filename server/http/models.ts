// GET /v1/models: "auto" plus every enabled chat tier, so clients can list what they may force.
import type { ApiKeyVerifier, TierDirectory } from '../contracts/ports';
import { authenticate } from './auth';
import { toHttpError } from './errors';
import { errorResult, json, type HttpResult } from './result';

export async function listModels(deps: { tiers: TierDirectory; apiKeys: ApiKeyVerifier }, authorization: string | null): Promise<HttpResult> {
  try {
    await authenticate(deps.apiKeys, authorization);
    const created = Math.floor(Date.now() / 1000);
    const tiers = deps.tiers.list().filter((t) => t.enabled && t.role !== 'embedding');
    const data = [
      { id: 'auto', object: 'model', created, owned_by: 'cascade', description: 'Routed by Cascade to the cheapest tier that answers well' },
      ...tiers.map((t) => ({ id: t.name, object: 'model', created, owned_by: 'cascade', role: t.role, upstream_model: t.model })),
    ];
    return json(200, { object: 'list', data });
  } catch (err) {
    return errorResult(toHttpError(err));
  }
}
