// One guard in front of every database call of the process: a circuit breaker (cockatiel) that opens
// on connectivity failures, a watchdog that probes Postgres four times a second and isolates the
// breaker while the probe fails or hangs (a database that accepts connections but never answers is
// seen within probeIntervalMs + probeTimeoutMs, ~1.25 s, instead of when a query times out), and a
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
  /** Rejecters of the calls in flight. */
  const waiting = new Set<(err: Error) => void>();
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
  // stalled one misses the deadline, and a new one must get through connect and the query.
  let probeClient: pg.Client | null = null;
  async function probeOnce(): Promise<boolean> {
    let client = probeClient;
    const attempt = (async () => {
      if (!client) {
        client = new pg.Client({ connectionString: opts.probeUrl });
        client.on('error', () => undefined);
        probeClient = client;
        await client.connect();
      }
      await client.query('SELECT 1');
    })();
    const ok = await withinDeadline(attempt, probeTimeout);
    if (!ok) {
      probeClient = null;
      // end() waits for a stalled socket; the probe does not.
      (client as unknown as { connection?: { stream?: { destroy(): void } } } | null)?.connection?.stream?.destroy();
      void (client as pg.Client | null)?.end().catch(() => undefined);
    }
    return ok;
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
        } else if (++failedProbes >= (opts.probeFailures ?? 1) && !isolation) {
          isolation = breaker.isolate();
          for (const reject of waiting) reject(new DatabaseUnavailableError());
          waiting.clear();
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
        if (timer) timer = setTimeout(tick, opts.probeIntervalMs ?? 250).unref();
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
        // Released with DatabaseUnavailableError the moment the guard opens: a call that went out just
        // before a hang would otherwise hold its caller until the driver's own timeout.
        return await new Promise<T>((resolve, reject) => {
          waiting.add(reject);
          breaker.execute(() => retryLostStatement(fn)).then(resolve, reject).finally(() => waiting.delete(reject));
        });
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

/**
 * One more try when Postgres lost the statement the call bound to (26000: nothing ran). If the retry
 * fails as well, the first error is what the caller sees (a 503): inside a transaction the retry
 * meets the aborted transaction, whose error would hide the cause.
 */
async function retryLostStatement<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (databaseFailure(err) !== 'statement_lost') throw err;
    try {
      return await fn();
    } catch {
      throw err;
    }
  }
}

/**
 * Whether `p` settles successfully within `ms`. When the timer fires, the answer may already be in
 * the socket, unread because the event loop was busy (a slow start, a long synchronous task): one
 * setImmediate lets pending I/O run first, so a busy process never mistakes itself for a hung database.
 */
function withinDeadline(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (v: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(v);
    };
    const timer = setTimeout(() => setImmediate(() => settle(false)), ms);
    p.then(() => settle(true), () => settle(false));
  });
}
