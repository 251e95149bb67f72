// POST /v1/feedback: a client rates an answer it got, by decision id (from x-cascade-decision-id).
// Body: { decision_id | decisionId, rating: "up" | "down" | 1 | -1, reason?, comment? }.
import type { ApiKeyVerifier, FeedbackPort } from '../contracts/ports';
import { authenticate } from './auth';
import { readJsonBody } from './body';
import { HttpError, toHttpError } from './errors';
import { errorResult, json, type HttpResult } from './result';

export async function postFeedback(
  deps: { apiKeys: ApiKeyVerifier; feedback: FeedbackPort; maxBodyBytes: number },
  req: { header(name: string): string | null; body: AsyncIterable<Uint8Array> | null },
): Promise<HttpResult> {
  try {
    const principal = await authenticate(deps.apiKeys, req.header('authorization'));
    // Ratings are tiny: a small cap whatever the chat limit is.
    const raw = await readJsonBody(req.body, Math.min(deps.maxBodyBytes, 64 * 1024), req.header('content-length'));
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new HttpError(400, 'Request body must be a JSON object.', undefined, null, 'invalid_request');
    // OpenAI-style clients write snake_case; the feedback module's schema is camelCase and strict.
    const { decision_id, ...rest } = raw as Record<string, unknown>;
    const input = decision_id !== undefined && rest.decisionId === undefined ? { ...rest, decisionId: decision_id } : rest;
    const result = await deps.feedback.rate(principal, input);
    return json(200, { object: 'feedback', ...result });
  } catch (err) {
    return errorResult(toHttpError(err));
  }
}
