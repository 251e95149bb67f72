// POST {baseUrl}/embeddings on an embedding tier for a client's request: the body goes as the client
// sent it (with the tier's model name), the answer comes back as the tier sent it. The same plumbing
// as chat calls: undici's pool, one CallGuard owning the timeout and the caller's abort, non-2xx as
// TierErrors with the upstream's message.
import { CallGuard, endpoint, headers, httpError, readTextCapped } from './http';
import { TierError } from './errors';
import { send } from './transport';
import type { TierConfig } from './types';

const MAX_ANSWER_BYTES = 256 * 1024 * 1024;

export async function callEmbeddings(tier: TierConfig, body: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const guard = new CallGuard(tier.name, signal);
  guard.arm('total', tier.timeoutMs, 'embeddings timed out');
  try {
    const res = await guard.read(send(endpoint(tier, 'embeddings'), { method: 'POST', headers: { ...headers(tier, true), 'content-type': 'application/json' }, body: JSON.stringify({ ...body, model: tier.model }), signal: guard.signal }));
    if (!res.ok) throw await httpError(tier.name, res, guard);
    const text = await readTextCapped(res, MAX_ANSWER_BYTES, guard);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new TierError('bad_response', `${tier.name}: embeddings answer is not JSON`, { tier: tier.name });
    }
    if (!parsed || typeof parsed !== 'object' || !Array.isArray((parsed as { data?: unknown }).data)) {
      throw new TierError('bad_response', `${tier.name}: embeddings answer has no data array`, { tier: tier.name });
    }
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw guard.explain(err, 'network', 'embeddings call failed');
  } finally {
    guard.dispose();
  }
}
