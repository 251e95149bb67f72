// The floor a router is judged against: a bare node:http server that forwards POST
// /v1/chat/completions to the upstream through an undici keep-alive pool and streams the answer
// back, with nothing in between (no auth, no parsing, no routing, no record). Run as its own
// process: `node --import tsx bench/lib/bare-proxy.ts <upstreamOrigin>`; it prints {"url"}.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';

const upstream = process.argv[2];
if (!upstream || !/^http:\/\/127\.0\.0\.1:\d+$/.test(upstream)) {
  console.error(`bare-proxy: first argument must be a loopback origin like http://127.0.0.1:PORT, got ${upstream}`);
  process.exit(2);
}
const pool = new Pool(upstream, { connections: 64, pipelining: 1, keepAliveTimeout: 65_000 });

const server = createServer((req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.once('end', () => {
    const body = Buffer.concat(parts);
    pool
      .request({ method: 'POST', path: req.url ?? '/', headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body })
      .then(async (up) => {
        const headers: Record<string, string> = {};
        for (const k of ['content-type', 'content-length', 'cache-control']) {
          const v = up.headers[k];
          if (typeof v === 'string') headers[k] = v;
        }
        res.writeHead(up.statusCode, headers);
        await pipeline(up.body, res);
      })
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: String(err) } }));
      });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void pool.close().then(() => process.exit(0));
});
