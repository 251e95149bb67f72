// /healthz: the process is alive and its event loop turns (no dependency is checked: a liveness
// probe that fails on a database outage would restart healthy replicas). /readyz: this instance
// should receive traffic: database reachable, migrations applied, tiers loaded, not draining.
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ReadinessChecks {
  database(): boolean;
  migrations(): boolean;
  tiers(): boolean;
  draining(): boolean;
}

export function healthRoute(checks: () => ReadinessChecks | null) {
  return function handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/healthz' && path !== '/readyz') return false;
    let status = 200;
    let body: Record<string, unknown> = { status: 'ok' };
    if (path === '/readyz') {
      const c = checks();
      const result = c
        ? { database: c.database(), migrations: c.migrations(), tiers: c.tiers(), draining: c.draining() }
        : { database: false, migrations: false, tiers: false, draining: false };
      const ready = c !== null && result.database && result.migrations && result.tiers && !result.draining;
      status = ready ? 200 : 503;
      body = { status: ready ? 'ready' : c ? (result.draining ? 'draining' : 'not ready') : 'starting', checks: result };
    }
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
    return true;
  };
}
