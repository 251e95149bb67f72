// The OpenAI-compatible API through Next, for when Next serves requests itself (`next dev`/`next
// start` without server.ts). Normally server.ts answers /api/v1/* before Next sees it; both use the
// one route table in server/http/routes.ts.
import '@/server/runtime/preload-native';
import { toWebResponse } from '@/server/http/result';
import { routeV1 } from '@/server/http/routes';
import { webBody } from '@/server/http/web';
import { getRuntime } from '@/server/runtime';
import { v1Deps } from '@/server/runtime/v1-deps';

export const dynamic = 'force-dynamic';

async function handle(req: Request, ctx: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await ctx.params;
  const rt = await getRuntime();
  const deps = v1Deps(rt);
  const url = new URL(req.url);
  return toWebResponse(await routeV1(deps, { method: req.method, path: `/v1/${path.join('/')}`, query: url.searchParams, header: (n) => req.headers.get(n), body: webBody(req), signal: req.signal }));
}

export const GET = handle;
export const POST = handle;
export const DELETE = handle;
