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
// The answer to a request that offers tools: one call of the first tool with JSON arguments, as a
// model server returns it (content null, finish_reason "tool_calls").
const TOOL_BODY = JSON.stringify({
  id: 'chatcmpl-bench-tool',
  object: 'chat.completion',
  created: 1_764_000_000,
  model: 'fake-model',
  choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_bench', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } }] }, finish_reason: 'tool_calls' }],
  usage: { prompt_tokens: 60, completion_tokens: 12, total_tokens: 72 },
});
// A streamed answer: the same text in STREAM_CHUNKS content deltas (each its own write, as a model
// server sends them), a finish chunk and [DONE].
const STREAM_CHUNKS = 8;
const WORDS = 'A short fixed answer from the fake upstream, streamed in eight parts.'.split(' ');
const sseChunk = (delta: Record<string, unknown>, finish: string | null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_764_000_000, model: 'fake-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const STREAM = [
  sseChunk({ role: 'assistant', content: '' }, null),
  ...Array.from({ length: STREAM_CHUNKS }, (_, i) => sseChunk({ content: (i ? ' ' : '') + WORDS.slice(Math.floor((i * WORDS.length) / STREAM_CHUNKS), Math.floor(((i + 1) * WORDS.length) / STREAM_CHUNKS)).join(' ') }, null)),
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_764_000_000, model: 'fake-model', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: { prompt_tokens: 20, completion_tokens: 9, total_tokens: 29 } })}\n\n`,
  'data: [DONE]\n\n',
];
const MODELS = JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model', owned_by: 'bench' }] });

export async function startLeanUpstream(latencyMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url?.endsWith('/chat/completions')) {
      // Read the body (keep-alive needs it consumed; a stream request says "stream":true), then
      // answer after the fixed latency. A stream sends its first chunk after the latency and each
      // later one a turn of the event loop apart, so they leave as separate writes.
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.once('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        const stream = /"stream"\s*:\s*true/.test(text);
        const body = /"tools"\s*:\s*\[/.test(text) ? TOOL_BODY : BODY;
        const answer = () => {
          if (!stream) {
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
            res.end(body);
            return;
          }
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          let i = 0;
          const next = () => {
            if (i === STREAM.length - 1) res.end(STREAM[i]);
            else {
              res.write(STREAM[i++]);
              setImmediate(next);
            }
          };
          next();
        };
        if (latencyMs > 0) setTimeout(answer, latencyMs);
        else setImmediate(answer);
      });
      return;
    }
    // POST /__latency/<ms>: the latency of later answers (the latency bench runs 0 and 20 ms
    // against one upstream so every proxy keeps its warm pool).
    const set = req.method === 'POST' ? /^\/__latency\/(\d+)$/.exec(req.url ?? '') : null;
    if (set) {
      latencyMs = Number(set[1]);
      req.resume();
      res.writeHead(204);
      res.end();
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
