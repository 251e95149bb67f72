// tRPC over the fetch adapter. Thin: the context and the routers live in server/api.
import '@/server/runtime/preload-native';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createContext } from '@/server/api/context';
import { appRouter } from '@/server/api/root';
import { env } from '@/server/env';
import { capRequestBody } from '@/server/http/request-cap';

export const dynamic = 'force-dynamic';

async function handler(raw: Request): Promise<Response> {
  const req = await capRequestBody(raw, env().CASCADE_TRPC_MAX_BODY_BYTES);
  if (req instanceof Response) return req;
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext,
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`trpc ${path ?? '?'}:`, error.cause ?? error);
    },
  });
}

export { handler as GET, handler as POST };
