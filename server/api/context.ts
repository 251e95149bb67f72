// Builds the tRPC context from a fetch Request: a Bearer API key wins, else the session cookie.
import { bearerToken } from '../http/auth';
import { sessionPrincipal } from '../auth/session';
import { getRuntime, type Runtime } from '../runtime';
import type { Principal } from '../contracts/principal';
import type { Context } from './trpc';

export async function principalFromHeaders(runtime: Runtime, headers: Headers): Promise<Principal | null> {
  const token = bearerToken(headers.get('authorization'));
  if (token) return runtime.apiKeys.verify(token);
  return sessionPrincipal(headers.get('cookie'), runtime.authSecret, runtime.accounts);
}

export async function createContext({ req }: { req: Request }): Promise<Context> {
  const runtime = await getRuntime();
  return { runtime, principal: await principalFromHeaders(runtime, req.headers) };
}
