// SIGTERM's drain on a real HTTP server: readiness fails first, a request arriving on a kept-alive
// connection is refused with 503 + Connection: close, and requests in flight (a stream included)
// finish; the security headers are on every answer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHttpServer } from '../http/server';
import { createDrain } from './drain';
import { healthRoute } from './health';
import { securityHeaders } from './security-headers';

function request(port: number, path: string, agent: http.Agent): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('drain', () => {
  it('fails readiness, refuses new requests cleanly and lets in-flight ones (and streams) finish', async () => {
    const drain = createDrain();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const server = createHttpServer(
      async () => {
        throw new Error('no v1 in this test');
      },
      async (req, res) => {
        if (req.url === '/slow') {
          await released;
          res.end('slow done');
        } else if (req.url === '/stream') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for (let i = 0; i < 5; i++) {
            res.write(`data: ${i}\n\n`);
            await released;
          }
          res.end('data: [DONE]\n\n');
        } else res.end('ok');
      },
      { drain, headers: securityHeaders({ dev: false }), health: healthRoute(() => ({ database: () => true, migrations: () => true, tiers: () => true, draining: () => drain.draining() })) },
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const other = new http.Agent({ keepAlive: true, maxSockets: 4 });
    try {
      const before = await request(port, '/readyz', agent);
      expect(before.status).toBe(200);
      expect(before.headers['x-content-type-options']).toBe('nosniff');
      expect(before.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(before.headers['strict-transport-security']).toBeUndefined();
      const slow = request(port, '/slow', other);
      const stream = request(port, '/stream', other);
      await new Promise((r) => setTimeout(r, 100));
      expect(drain.inFlight()).toBe(2);

      const drained = drain.drain(server, 30_000);
      // The kept-alive connection of `agent` is still open: a new request on it is refused cleanly.
      const refused = await request(port, '/anything', agent);
      expect(refused.status).toBe(503);
      expect(refused.headers.connection).toBe('close');
      expect(refused.headers['retry-after']).toBe('1');
      release();
      const [s, st, result] = await Promise.all([slow, stream, drained]);
      expect(s).toMatchObject({ status: 200, body: 'slow done' });
      expect(st.body).toContain('[DONE]');
      expect(result.cut).toBe(0);
    } finally {
      agent.destroy();
      other.destroy();
      server.closeAllConnections();
    }
  });

  it('closes only once clients stopped sending: every request while they still send gets the 503, none a reset or a refusal', async () => {
    const drain = createDrain({ quietMs: 300 });
    const server = createHttpServer(async () => { throw new Error('no v1 in this test'); }, async (_req, res) => void res.end('ok'), { drain });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    try {
      let drainedAt = 0;
      const drained = drain.drain(server, 30_000).then((r) => ((drainedAt = performance.now()), r));
      // A client that keeps sending, one request every 100 ms, for longer than the old fixed linger (1 s).
      const outcomes: string[] = [];
      let lastAnswerAt = 0;
      for (let i = 0; i < 20; i++) {
        outcomes.push(await request(port, `/x${i}`, agent).then((r) => `${r.status} ${r.headers.connection}`, (err: Error & { code?: string }) => err.code ?? err.message));
        lastAnswerAt = performance.now();
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(outcomes).toEqual(Array(20).fill('503 close'));
      expect((await drained).cut).toBe(0);
      expect(drainedAt).toBeGreaterThan(lastAnswerAt); // the close came after the client went quiet
    } finally {
      agent.destroy();
      server.closeAllConnections();
    }
  });

  it('readiness says why it is not ready', async () => {
    const route = healthRoute(() => ({ database: () => false, migrations: () => true, tiers: () => true, draining: () => false }));
    const server = http.createServer((req, res) => void route(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent();
    try {
      const r = await request(port, '/readyz', agent);
      expect(r.status).toBe(503);
      expect(JSON.parse(r.body)).toEqual({ status: 'not ready', checks: { database: false, migrations: true, tiers: true, draining: false } });
      expect((await request(port, '/healthz', agent)).status).toBe(200);
    } finally {
      agent.destroy();
      server.close();
    }
  });
});
