// The OpenAI-compatible API through Next, for when Next serves requests itself (`next dev`/`next
// start` without server.ts). Normally server.ts answers /api/v1/* before Next sees it.
import '@/server/runtime/preload-native';
import { batchesRoute, isBatchPath } from '@/server/http/batches';
import { chatCompletions } from '@/server/http/chat-completions';
import { HttpError } from '@/server/http/errors';
import { postFeedback } from '@/server/http/feedback';
import { listModels } from '@/server/http/models';
import { errorResult, toWebResponse } from '@/server/http/result';
import { webBody } from '@/server/http/web';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

function deps(rt: Awaited<ReturnType<typeof getRuntime>>) {
  return { chat: rt.chat, tiers: rt.tiers, apiKeys: rt.apiKeys, feedback: rt.feedback, batches: rt.batches, maxBodyBytes: rt.env.CASCADE_MAX_BODY_BYTES };
}

function notFound(req: Request): Response {
  return toWebResponse(errorResult(new HttpError(404, `Unknown API route ${req.method} ${new URL(req.url).pathname}.`, 'invalid_request_error', null, 'not_found')));
}

/** /v1/batches and its sub-routes (server/http/batches.ts), for any method. */
async function batches(req: Request, path: string[]): Promise<Response | null> {
  const p = `/v1/${path.join('/')}`;
  if (!isBatchPath(p)) return null;
  const rt = await getRuntime();
  return toWebResponse(await batchesRoute(deps(rt), { method: req.method, path: p, query: new URL(req.url).searchParams, header: (n) => req.headers.get(n), body: webBody(req), signal: req.signal }));
}

export async function POST(req: Request, ctx: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await ctx.params;
  const batch = await batches(req, path);
  if (batch) return batch;
  const rt = await getRuntime();
  if (path.join('/') === 'feedback') {
    return toWebResponse(await postFeedback(deps(rt), { header: (n) => req.headers.get(n), body: webBody(req) }));
  }
  if (path.join('/') !== 'chat/completions') return notFound(req);
  return toWebResponse(
    await chatCompletions(deps(rt), { header: (n) => req.headers.get(n), body: webBody(req), signal: req.signal }),
  );
}

export async function GET(req: Request, ctx: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await ctx.params;
  const batch = await batches(req, path);
  if (batch) return batch;
  if (path.join('/') !== 'models') return notFound(req);
  const rt = await getRuntime();
  return toWebResponse(await listModels(deps(rt), req.headers.get('authorization')));
}
