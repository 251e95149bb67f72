// Starts the process's HTTP server (server/http/server.ts) on loopback with a real runtime, without
// Next.js: the OpenAI-compatible routes are served by the same code path as in production.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createHttpServer } from '../../server/http/server';
import type { Runtime } from '../../server/runtime';
import { v1Deps } from '../../server/runtime/v1-deps';

export async function startApiServer(runtime: Runtime): Promise<{ server: Server; baseUrl: string; close(): Promise<void> }> {
  const deps = v1Deps(runtime);
  const server = createHttpServer(async () => deps, (_req, res) => {
    res.statusCode = 404;
    res.end('not served in this test');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
