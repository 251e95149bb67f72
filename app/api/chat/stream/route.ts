// The chat page's token stream (server-sent events). Thin: the handler is server/http/chat-stream.ts.
import '@/server/runtime/preload-native';
import { principalFromHeaders } from '@/server/api/context';
import { chatStreamHandler } from '@/server/http/chat-stream';
import { toWebResponse } from '@/server/http/result';
import { webBody } from '@/server/http/web';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

export async function POST(req: Request): Promise<Response> {
  const runtime = await getRuntime();
  const principal = await principalFromHeaders(runtime, req.headers);
  const result = await chatStreamHandler(
    { chat: runtime.chat, tiers: runtime.tiers, maxBodyBytes: runtime.env.CASCADE_MAX_BODY_BYTES, durable: () => runtime.recorder.durable() },
    principal,
    { body: webBody(req), contentLength: req.headers.get('content-length'), signal: req.signal },
  );
  return toWebResponse(result);
}
