// API keys at the other doors: Anthropic's SDK sends `x-api-key`, OpenAI's `Authorization: Bearer`.
// Either is accepted at every door, checked by the same verifier.
import type { Principal } from '../../contracts/principal';
import type { ApiKeyVerifier } from '../../contracts/ports';
import { authenticate } from '../auth';

export function authenticateAnyHeader(verifier: ApiKeyVerifier, header: (name: string) => string | null): Promise<Principal> {
  const authorization = header('authorization');
  const apiKey = header('x-api-key')?.trim();
  return authenticate(verifier, authorization ?? (apiKey ? `Bearer ${apiKey}` : null));
}
