// The batch runner: for each job, classifies the items not yet classified (persisting the group of
// each, so a restart does not classify twice), and dispatches each group with as many workers as
// the tier's capacity, through the gateway's ChatService with source 'batch' (every item yields a
// decision record). Items are finished one by one in Postgres; a stopped process leaves the rest
// queued, and start() resumes them. Jobs run concurrently; a Gate per group bounds them together.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Principal } from '../contracts/principal';
import type { ChatService } from '../contracts/chat';
import { classify, groupCapacity, type ClassifyDeps } from './classify';
import { AsyncQueue, Gate } from './queue';
import { LEASE_MS, type BatchStore, type PendingItem } from './store';

const CLASSIFY_CHUNK = 200;

export interface RunnerDeps {
  store: BatchStore;
  chat: ChatService;
  gateway: ClassifyDeps;
  log?: (level: 'info' | 'error', msg: string) => void;
}

interface Run {
  abort: AbortController;
  done: Promise<void>;
}

function errorOf(err: unknown): { message: string; decisionId: string | null } {
  const e = (err ?? {}) as { code?: unknown; message?: unknown; decisionId?: unknown };
  const msg = typeof e.message === 'string' && e.message ? e.message : String(err);
  return { message: typeof e.code === 'string' ? `${e.code}: ${msg}` : msg, decisionId: typeof e.decisionId === 'string' ? e.decisionId : null };
}

export function createRunner(d: RunnerDeps) {
  const gates = new Map<string, Gate>();
  const runs = new Map<string, Run>();
  const listeners = new Map<string, Set<() => void>>();
  const log = d.log ?? ((level, msg) => (level === 'error' ? console.error : console.log)(`batch: ${msg}`));
  let stopping = false;
  /** This runner's name in job leases: one per process (per runtime). */
  const owner = randomUUID();
  let ticker: NodeJS.Timeout | null = null;

  const gateFor = (group: string) => {
    let g = gates.get(group);
    if (!g) gates.set(group, (g = new Gate(() => groupCapacity(d.gateway, group))));
    return g;
  };

  function notify(id: string): void {
    for (const l of listeners.get(id) ?? []) l();
  }

  function onChange(id: string, fn: () => void): () => void {
    let set = listeners.get(id);
    if (!set) listeners.set(id, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) listeners.delete(id);
    };
  }

  async function principalFor(id: string): Promise<Principal | null> {
    const p = await d.store.principalOf(id);
    if (p) return p;
    const job = await d.store.get(id);
    // jobs stored without a principal (written by other tools) run as their creator with the least role
    return job ? { kind: 'user', id: job.createdById, userId: job.createdById, apiKeyId: null, role: 'user', tenant: 'default', name: 'batch' } : null;
  }

  async function runItem(id: string, principal: Principal, item: PendingItem, signal: AbortSignal): Promise<void> {
    const { customId: _customId, ...req } = item.request;
    try {
      const r = await d.chat.complete(principal, { ...req, source: 'batch', signal, preassessed: item.assessment ?? undefined });
      const result = { answeredBy: r.tier, model: r.model, band: r.band, content: r.content, finishReason: r.finishReason, usage: r.usage, escalated: r.escalated, cached: r.cached };
      await d.store.finish(id, item.line, { status: 'done', result, error: null, costUsd: r.costUsd, decisionId: r.decisionId });
    } catch (err) {
      // stop() or cancel(): the item stays queued for the next start, or was already cancelled
      if (signal.aborted) return;
      const e = errorOf(err);
      await d.store.finish(id, item.line, { status: 'failed', result: null, error: e.message, costUsd: 0, decisionId: e.decisionId });
    }
    notify(id);
  }

  async function worker(id: string, principal: Principal, group: string, q: AsyncQueue<PendingItem>, signal: AbortSignal): Promise<void> {
    const gate = gateFor(group);
    for (;;) {
      const item = await q.next();
      if (!item || signal.aborted) return;
      if (!(await gate.acquire(signal))) return;
      try {
        await runItem(id, principal, item, signal);
      } finally {
        gate.release();
      }
    }
  }

  async function runJob(id: string, signal: AbortSignal): Promise<void> {
    const principal = await principalFor(id);
    if (!principal || !(await d.store.claim(id, owner))) return;
    notify(id);
    const pending = await d.store.pending(id);
    const queues = new Map<string, AsyncQueue<PendingItem>>();
    const workers: Promise<void>[] = [];
    const enqueue = (item: PendingItem, group: string) => {
      let q = queues.get(group);
      if (!q) {
        queues.set(group, (q = new AsyncQueue()));
        const n = groupCapacity(d.gateway, group);
        for (let i = 0; i < n; i++) workers.push(worker(id, principal, group, q, signal));
      }
      q.push(item);
    };
    try {
      for (const it of pending) if (it.tier) enqueue(it, it.tier);
      const todo = pending.filter((it) => !it.tier);
      await d.store.assign(id, []); // per-group counts from the items (repairs anything a crash left behind)
      for (let i = 0; i < todo.length && !signal.aborted; i += CLASSIFY_CHUNK) {
        const chunk = todo.slice(i, i + CLASSIFY_CHUNK);
        const groups: Array<{ line: number; tier: string; assessment: PendingItem['assessment'] }> = [];
        for (const it of chunk) {
          const c = await classify(d.gateway, principal, it.request);
          groups.push({ line: it.line, tier: c.group, assessment: c.assessment });
        }
        await d.store.assign(id, groups);
        chunk.forEach((it, k) => enqueue({ ...it, tier: groups[k].tier, assessment: groups[k].assessment }, groups[k].tier));
        notify(id);
      }
    } finally {
      for (const q of queues.values()) q.close();
      await Promise.allSettled(workers);
    }
    const failures = (await Promise.allSettled(workers)).filter((r) => r.status === 'rejected');
    if (failures.length > 0) throw (failures[0] as PromiseRejectedResult).reason;
    if (!signal.aborted) await d.store.complete(id);
  }

  function launch(id: string): void {
    if (runs.has(id) || stopping) return;
    const abort = new AbortController();
    // every call in flight and every worker waiting at a gate listens to the job's signal
    setMaxListeners(0, abort.signal);
    const done = runJob(id, abort.signal)
      .catch((err: unknown) => log('error', `job ${id} stopped: ${err instanceof Error ? err.message : String(err)}; it resumes at the next start`))
      .finally(async () => {
        await d.store.release(id, owner).catch(() => undefined); // lapses on its own if the database is away
        runs.delete(id);
        notify(id);
      });
    runs.set(id, { abort, done });
  }

  return {
    launch,
    onChange,
    /** Aborts the job's calls in flight (after the store marked it cancelled). */
    abort(id: string): void {
      runs.get(id)?.abort.abort();
    },
    settled(id: string): Promise<void> {
      return runs.get(id)?.done ?? Promise.resolve();
    },
    running(): string[] {
      return [...runs.keys()];
    },
    /** Most calls a group ever had in flight in this process. */
    peakInFlight(group: string): number {
      return gates.get(group)?.maxInFlight ?? 0;
    },
    /** Resumes unclaimed jobs now, then keeps this runner's leases alive and picks up jobs whose runner died. */
    async start(): Promise<string[]> {
      const ids = await this.resume();
      ticker ??= setInterval(() => {
        d.store.renew(owner, [...runs.keys()]).catch((err: unknown) => log('error', `lease renewal failed: ${String(err)}`));
        this.resume().catch(() => undefined);
      }, LEASE_MS / 6);
      ticker.unref();
      return ids;
    },
    owner,
    async resume(): Promise<string[]> {
      if (stopping) return [];
      const ids = (await d.store.unfinished()).filter((id) => !runs.has(id));
      for (const id of ids) launch(id);
      if (ids.length > 0) log('info', `resuming ${ids.length} unfinished job(s)`);
      return ids;
    },
    async stop(): Promise<void> {
      stopping = true;
      if (ticker) clearInterval(ticker);
      const all = [...runs.values()];
      for (const r of all) r.abort.abort();
      await Promise.allSettled(all.map((r) => r.done));
    },
  };
}

export type Runner = ReturnType<typeof createRunner>;
