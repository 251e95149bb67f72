// Where the Responses API door keeps its answers for `previous_response_id`, item references and
// GET /v1/responses/{id}. Reads are per tenant: another tenant's id is as good as unknown. Responses
// are kept for a retention period (CASCADE_RESPONSES_RETENTION_DAYS): an older one reads as unknown
// even before the purge job deletes it.
import type { ChatMessage } from '../tiers/types';

export interface StoredResponse {
  id: string;
  tenant: string;
  apiKeyId: string | null;
  /** The conversation up to and including this answer's output (the request's instructions excluded). */
  conversation: ChatMessage[];
  /** The response object as returned to the client. */
  response: Record<string, unknown>;
  /** The request's input items, each with an id (the input_items list). */
  input: Record<string, unknown>[];
}

export interface ResponseStore {
  save(r: StoredResponse): Promise<void>;
  /** The response of this tenant with this id, or null. */
  load(tenant: string, id: string): Promise<StoredResponse | null>;
  /** Forgets the response of this tenant with this id; false when there was none. */
  delete(tenant: string, id: string): Promise<boolean>;
  /** Deletes responses past the retention period; returns how many. */
  purgeExpired(now?: Date): Promise<number>;
}
