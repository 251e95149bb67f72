// A lean fixed-latency OpenAI-compatible upstream for the router bench: every chat completion is
// answered after exactly `latencyMs` (a timer, no CPU work) with the same small JSON body, over
// keep-alive. Run as its own process (`node --import tsx bench/lib/fake-upstream.ts <latencyMs>`)
// so that its event loop does not compete with the process being measured; it prints its URL.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const BODY = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_764_000_000,
  model: 'fake-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'A short fixed answer from the fake upstream.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 },
});
const MODELS = JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model', owned_by: 'bench' }] });

export async function startLeanUpstream(latencyMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url?.endsWith('/chat/completions')) {
      // Drain the body (keep-alive needs it consumed), then answer after the fixed latency.
      req.resume();
      req.once('end', () => {
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
          res.end(BODY);
        }, latencyMs);
      });
      return;
    }
    req.resume();
    const body = req.url?.endsWith('/models') ? MODELS : '{"status":"ok"}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const latency = Number(process.argv[2] ?? 20);
  if (!Number.isFinite(latency) || latency < 0) {
    console.error(`fake-upstream: latency must be a number of ms >= 0, got ${process.argv[2]}`);
    process.exit(2);
  }
  const up = await startLeanUpstream(latency);
  process.stdout.write(`${JSON.stringify({ url: up.url })}\n`);
  process.once('SIGTERM', () => void up.close().then(() => process.exit(0)));
}
