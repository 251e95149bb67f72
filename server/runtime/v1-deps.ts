// What the /v1 route table (server/http/routes.ts) is served from, built once from the runtime so
// the custom server, Next's route handler, the benchmarks and the tests cannot disagree.
import type { V1RouteDeps } from '../http/routes';
import type { Runtime } from './types';

export function v1Deps(rt: Pick<Runtime, 'chat' | 'embeddings' | 'tiers' | 'apiKeys' | 'feedback' | 'batches' | 'responses' | 'env' | 'recorder'>, maxBodyBytes = rt.env.CASCADE_MAX_BODY_BYTES): V1RouteDeps {
  return { chat: rt.chat, embeddings: rt.embeddings, tiers: rt.tiers, apiKeys: rt.apiKeys, feedback: rt.feedback, batches: rt.batches, responses: rt.responses, maxBodyBytes, durable: () => rt.recorder.durable() };
}
