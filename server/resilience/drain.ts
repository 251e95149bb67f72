// Graceful shutdown of the HTTP server. On drain(): readiness fails at once (the load balancer stops
// sending), and any request that still arrives, on a new or a kept-alive connection, gets a clean
// 503 with `Connection: close` and Retry-After instead of being half-served or reset. Requests
// already in flight (streams included) run to completion, up to the deadline; only what is still
// running then is cut.
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

export function createDrain(opts: { lingerMs?: number } = {}): Drain {
  const lingerMs = opts.lingerMs ?? 1000;
  let draining = false;
  const running = new Set<ServerResponse>();
  let idle: (() => void) | null = null;
  return {
    admit(req, res) {
      if (draining) {
        const body = JSON.stringify({ error: { message: 'Cascade is shutting down; retry on another instance.', type: 'server_error', param: null, code: 'unavailable' } });
        res.writeHead(503, { 'content-type': 'application/json', connection: 'close', 'retry-after': '1', 'content-length': Buffer.byteLength(body) });
        res.end(body);
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
      draining = true;
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
      // Kept-alive connections are still open. A client still sending on one gets the 503 above, which
      // closes it cleanly; a short linger lets those go that way, so that closing the rest below
      // rarely meets a request already on the wire (HTTP/1.1 has no way to close an idle connection
      // without that race).
      const linger = Math.min(lingerMs, Math.max(0, deadlineMs - (Date.now() - t0)));
      if (cut === 0 && linger > 0) await new Promise((r) => setTimeout(r, linger).unref());
      // Stop listening without http.Server#close(), which would also close idle connections first.
      net.Server.prototype.close.call(server);
      server.closeAllConnections();
      return { cut, waitedMs: Date.now() - t0 };
    },
  };
}
