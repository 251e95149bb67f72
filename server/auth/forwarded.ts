// What next-auth needs to know about the connection, set on each request before Next sees it, so
// the console works under any host name and behind a reverse proxy without NEXTAUTH_URL:
// - next-auth (with AUTH_TRUST_HOST) builds its URLs from X-Forwarded-Host / Host and
//   X-Forwarded-Proto, and takes a missing proto for https; on a plain connection with no proxy
//   header we say "http", so cookies are not marked Secure where the browser would drop them.
// - the sign-in limiter counts failures per client address: the socket's, or with
//   CASCADE_TRUST_PROXY the first X-Forwarded-For entry. Whatever the client sent in our header is
//   overwritten, so it cannot pick its own address.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** The header carrying the client's address to next-auth's credentials check. */
export const CLIENT_ADDRESS_HEADER = 'x-cascade-client-address';

export function annotateForAuth(req: IncomingMessage, trustProxy: boolean): void {
  const h = req.headers;
  const encrypted = (req.socket as TLSSocket).encrypted === true;
  if (!trustProxy || !h['x-forwarded-proto']) h['x-forwarded-proto'] = encrypted ? 'https' : 'http';
  if (!trustProxy) delete h['x-forwarded-host'];
  const forwarded = trustProxy ? String(h['x-forwarded-for'] ?? '').split(',')[0].trim() : '';
  h[CLIENT_ADDRESS_HEADER] = forwarded || req.socket.remoteAddress || 'unknown';
}
