// Graceful shutdown of the HTTP server. On drain(): readiness fails at once (the load balancer stops
// sending), and any request that still arrives, on a new or a kept-alive connection, gets a clean
// 503 with `Connection: close` and Retry-After instead of being half-served or reset. Requests
// already in flight (streams included) run to completion, up to the deadline; only what is still
// running then is cut. The listener and the kept-alive connections are closed only once no request
// or connection has arrived for `quietMs`: closing them while clients still send resets whatever
// is on the wire at that instant (a request on an idle kept-alive connection, a connection in the
// kernel's accept queue), which a client sees as a cut, not a refusal.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import net from 'node:net';

export interface Drain {
  /** Call first in the request handler: true when the request was answered (refused) here. */
  admit(req: IncomingMessage, res: ServerResponse): boolean;
  draining(): boolean;
  inFlight(): number;
  /** Resolves with how many requests were still running (and were cut) at the deadline. */
  drain(server: Server, deadlineMs: number): Promise<{ cut: number; waitedMs: number }>;
}

export function createDrain(opts: { quietMs?: number } = {}): Drain {
  const quietMs = opts.quietMs ?? 1000;
  let draining = false;
  const running = new Set<ServerResponse>();
  let idle: (() => void) | null = null;
  let lastArrival = 0;
  const refuse = (res: ServerResponse) => {
    const body = JSON.stringify({ error: { message: 'Cascade is shutting down; retry on another instance.', type: 'server_error', param: null, code: 'unavailable' } });
    res.writeHead(503, { 'content-type': 'application/json', connection: 'close', 'retry-after': '1', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  return {
    admit(_req, res) {
      if (draining) {
        lastArrival = Date.now();
        refuse(res);
        return true;
      }
      running.add(res);
      res.once('close', () => {
        running.delete(res);
        if (running.size === 0) idle?.();
      });
      return false;
    },
    draining: () => draining,
    inFlight: () => running.size,
    async drain(server, deadlineMs) {
      const t0 = Date.now();
      const left = () => Math.max(0, deadlineMs - (Date.now() - t0));
      draining = true;
      lastArrival = t0;
      // A connection being opened now carries a request still to come: it counts as an arrival.
      const onConnection = () => (lastArrival = Date.now());
      server.on('connection', onConnection);
      // The listener stays open while in-flight requests finish: a new connection is answered with the
      // 503 above. Closing it now would reset connections the kernel had already accepted into its
      // backlog (the client sees a reset, not a refusal); the load balancer, told by readiness, stops
      // sending meanwhile.
      // Answers not started yet close their keep-alive connection after them.
      for (const res of running) if (!res.headersSent) res.setHeader('connection', 'close');
      if (running.size > 0) {
        await new Promise<void>((resolve) => {
          idle = resolve;
          setTimeout(resolve, deadlineMs).unref();
        });
      }
      const cut = running.size;
      // Then until nothing has arrived for quietMs (bounded by the deadline): clients that still send
      // get the 503 above, which closes their connection cleanly, and the close below happens when
      // nobody is sending (HTTP/1.1 has no way to close an idle connection without racing a request
      // already on the wire).
      if (cut === 0) {
        for (let wait = quietMs - (Date.now() - lastArrival); wait > 0 && left() > 0; wait = quietMs - (Date.now() - lastArrival)) {
          await new Promise((r) => setTimeout(r, Math.min(wait, left())).unref());
        }
      }
      server.off('connection', onConnection);
      // Stop listening without http.Server#close(), which would also close idle connections first.
      net.Server.prototype.close.call(server);
      server.closeAllConnections();
      return { cut, waitedMs: Date.now() - t0 };
    },
  };
}
