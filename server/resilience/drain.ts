// Graceful shutdown of the HTTP server. On drain(): readiness fails at once (the load balancer stops
// sending), the listener closes, and any request that still arrives on an open connection gets a
// clean 503 with `Connection: close` and Retry-After instead of being half-served or reset. Requests already in flight (streams included) run to completion, up
// to the deadline; only what is still running then is cut.
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

export function createDrain(): Drain {
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
      // Stop listening, but keep idle keep-alive connections open: http.Server#close() would close
      // them too, and a client that sends on one at that moment sees a reset instead of the 503 above.
      // They are closed at the end, with everything else.
      net.Server.prototype.close.call(server);
      // Answers not started yet close their keep-alive connection after them.
      for (const res of running) if (!res.headersSent) res.setHeader('connection', 'close');
      if (running.size > 0) {
        await new Promise<void>((resolve) => {
          idle = resolve;
          setTimeout(resolve, deadlineMs).unref();
        });
      }
      const cut = running.size;
      server.closeAllConnections();
      return { cut, waitedMs: Date.now() - t0 };
    },
  };
}
