// One guard in front of every database call of the process: a circuit breaker (cockatiel) that opens
// on connectivity failures, a watchdog that probes Postgres twice a second and isolates the breaker
// while the probe fails or hangs (a database that accepts connections but never answers is seen
// within probeTimeoutMs + probeIntervalMs, ~1.5 s, instead of when the first query times out), and a
// cap on calls in flight that sheds the excess with a 503 instead of queueing it. While the guard is
// open every call fails at once with DatabaseUnavailableError; nothing piles up behind a dead
// database, and nothing is released onto the tiers in one burst when it comes back.
import { ConsecutiveBreaker, circuitBreaker, handleWhen, BrokenCircuitError, IsolatedCircuitError, CircuitState } from 'cockatiel';
import pg from 'pg';
import { DatabaseUnavailableError, databaseFailure } from './failures';

export interface DbGuardOptions {
  /** Postgres to probe; without one there is no watchdog (the breaker alone). */
  probeUrl?: string;
  probeIntervalMs?: number;
  probeTimeoutMs?: number;
  /** Consecutive failed probes before the guard opens. */
  probeFailures?: number;
  /** Database calls in flight beyond which new ones are refused (load shedding). */
  maxInFlight?: number;
  /** Consecutive connectivity failures of real calls that open the breaker. */
  breakerFailures?: number;
  halfOpenAfterMs?: number;
  log?: (level: 'info' | 'warn', msg: string) => void;
}

export interface DbGuardStats {
  up: boolean;
  inFlight: number;
  shed: number;
  rejectedWhileDown: number;
  lastChange: number;
  downSince: number | null;
}

export interface DbGuard {
  run<T>(fn: () => Promise<T>): Promise<T>;
  isUp(): boolean;
  stats(): DbGuardStats;
  /** Resolves on the next probe result (tests, readiness). */
  probeNow(): Promise<boolean>;
  close(): void;
}

export function createDbGuard(opts: DbGuardOptions = {}): DbGuard {
  const log = opts.log ?? ((level, msg) => (level === 'warn' ? console.warn : console.info)(`cascade db: ${msg}`));
  const maxInFlight = opts.maxInFlight ?? 256;
  const breaker = circuitBreaker(
    handleWhen((e) => databaseFailure(e) === 'unavailable'),
    { halfOpenAfter: opts.halfOpenAfterMs ?? 1000, breaker: new ConsecutiveBreaker(opts.breakerFailures ?? 3) },
  );
  let isolation: { dispose(): void } | null = null;
  let inFlight = 0;
  let shed = 0;
  let rejectedWhileDown = 0;
  let lastChange = Date.now();
  let downSince: number | null = null;
  let wasUp = true;
  const noteState = () => {
    const up = isolation === null && breaker.state !== CircuitState.Open && breaker.state !== CircuitState.Isolated;
    if (up !== wasUp) {
      wasUp = up;
      lastChange = Date.now();
      downSince = up ? null : lastChange;
      log(up ? 'info' : 'warn', up ? 'database reachable again' : 'database unavailable: failing database calls fast');
    }
  };
  breaker.onStateChange(noteState);

  let failedProbes = 0;
  let timer: NodeJS.Timeout | null = null;
  let probing: Promise<boolean> | null = null;
  const probeTimeout = opts.probeTimeoutMs ?? 1000;

  // One connection, kept between probes and replaced after any failure: a cut connection errors, a
  // stalled one times out (query_timeout), and a new one must get through connect and the query.
  let probeClient: pg.Client | null = null;
  async function probeOnce(): Promise<boolean> {
    let client = probeClient;
    try {
      if (!client) {
        client = new pg.Client({ connectionString: opts.probeUrl, connectionTimeoutMillis: probeTimeout, query_timeout: probeTimeout });
        client.on('error', () => undefined);
        probeClient = client;
        await client.connect();
      }
      await client.query('SELECT 1');
      return true;
    } catch {
      probeClient = null;
      // end() waits for a stalled socket; the probe does not.
      (client as unknown as { connection?: { stream?: { destroy(): void } } } | null)?.connection?.stream?.destroy();
      void client?.end().catch(() => undefined);
      return false;
    }
  }

  function probeNow(): Promise<boolean> {
    probing ??= probeOnce()
      .then((ok) => {
        if (ok) {
          failedProbes = 0;
          if (isolation) {
            isolation.dispose();
            isolation = null;
          }
        } else if (++failedProbes >= (opts.probeFailures ?? 2) && !isolation) {
          isolation = breaker.isolate();
        }
        noteState();
        return ok;
      })
      .finally(() => (probing = null));
    return probing;
  }

  if (opts.probeUrl) {
    const tick = () => {
      void probeNow().finally(() => {
        if (timer) timer = setTimeout(tick, opts.probeIntervalMs ?? 500).unref();
      });
    };
    timer = setTimeout(tick, 0).unref();
  }

  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      if (inFlight >= maxInFlight) {
        shed++;
        throw new DatabaseUnavailableError(1);
      }
      inFlight++;
      try {
        return await breaker.execute(fn);
      } catch (err) {
        if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) {
          rejectedWhileDown++;
          throw new DatabaseUnavailableError();
        }
        throw err;
      } finally {
        inFlight--;
      }
    },
    isUp: () => isolation === null && breaker.state !== CircuitState.Open && breaker.state !== CircuitState.Isolated,
    stats: () => ({ up: wasUp, inFlight, shed, rejectedWhileDown, lastChange, downSince }),
    probeNow,
    close() {
      if (timer) clearTimeout(timer);
      timer = null;
      void probeClient?.end().catch(() => undefined);
      probeClient = null;
    },
  };
}
