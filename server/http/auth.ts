// Bearer API keys for the OpenAI-compatible API: hashed lookup through the runtime's verifier.
import type { Principal } from '../contracts/principal';
import type { ApiKeyVerifier } from '../contracts/ports';
import { HttpError } from './errors';

export function bearerToken(header: string | null | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

export async function authenticate(verifier: ApiKeyVerifier, authorization: string | null | undefined): Promise<Principal> {
  const token = bearerToken(authorization);
  if (!token) {
    throw new HttpError(401, 'Missing API key: send "Authorization: Bearer <key>" (create one with `npm run cascade -- create-api-key --name NAME`).', 'authentication_error', null, 'invalid_api_key');
  }
  const principal = await verifier.verify(token);
  if (!principal) throw new HttpError(401, 'Invalid or revoked API key.', 'authentication_error', null, 'invalid_api_key');
  return principal;
}
