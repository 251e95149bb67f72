// Deletes stored Responses API answers past their retention period, hourly, on the replica that
// holds the 'responses-purge' lease (reads already ignore expired rows, so the job only frees space).
import type { ResponseStore } from '../contracts/responses';

export interface PurgeJob {
  stop(): void;
}

export function startResponsesPurge(store: ResponseStore, opts: { everyMs: number; leads: () => boolean; onError?: (err: unknown) => void }): PurgeJob {
  let running = false;
  const tick = async () => {
    if (running || !opts.leads()) return;
    running = true;
    try {
      await store.purgeExpired();
    } catch (err) {
      (opts.onError ?? ((e: unknown) => console.warn(`cascade: stored responses purge failed: ${e instanceof Error ? e.message : String(e)}`)))(err);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
