// Runs the auto-tuner (server/tuning/service.ts) every N ms in the server process, and on demand.
// Runs never overlap: a run asked for while one is going returns that run's result. After a run that
// wrote a policy version (applied or rolled back) the in-memory policy is refreshed at once.
import type { PrismaClient } from '../db/client';
import { tunerService, type TunerRun, type TunerService } from '../tuning/service';

export interface TunerScheduler {
  /** One run now (the scheduled ones use the same path). */
  runNow(): Promise<TunerRun>;
  approve: TunerService['approve'];
  reject: TunerService['reject'];
  /** Proposals, newest first. */
  proposals(status: ProposalStatus | undefined, limit: number): Promise<TunerProposalView[]>;
  /** The last finished run, with when it ended (null before the first). */
  last(): { at: Date; run: TunerRun | { action: 'error'; reason: string } } | null;
  stop(): void;
}

export const PROPOSAL_STATUSES = ['pending', 'approved', 'rejected', 'applied', 'rolled_back'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export interface TunerProposalView {
  id: string;
  createdAt: Date;
  fromVersion: number;
  toVersion: number | null;
  status: string;
  reason: string;
  proposal: unknown;
  evidence: unknown;
  decidedById: string | null;
  decidedAt: Date | null;
}

export interface TunerSchedulerOptions {
  /** 0 = no timer (runNow still works). */
  intervalMs: number;
  /** Refreshes the in-memory policy after the tuner wrote a version. */
  onPolicyChange: () => Promise<void>;
  onError?: (err: unknown) => void;
  /**
   * Singleton gate across replicas: when given, the timer ticks every intervalMs / 4 (at most 5 s)
   * and a tick runs only when gate() says it owns the current interval (leader lease + a claim of
   * the interval), so one run happens per interval whichever replica leads.
   */
  gate?: () => Promise<boolean>;
  /** Every finished run's action ('error' for a failed one): metrics. */
  onRun?: (action: string) => void;
}

export function startTunerScheduler(prisma: PrismaClient, opts: TunerSchedulerOptions): TunerScheduler {
  const svc = tunerService(prisma);
  let running: Promise<TunerRun> | null = null;
  let last: ReturnType<TunerScheduler['last']> = null;
  const report = opts.onError ?? ((err: unknown) => console.warn(`cascade: tuner run failed: ${err instanceof Error ? err.message : String(err)}`));

  async function once(): Promise<TunerRun> {
    try {
      const run = await svc.run();
      last = { at: new Date(), run };
      opts.onRun?.(run.action);
      if (run.action === 'applied' || run.action === 'rolled_back') await opts.onPolicyChange();
      return run;
    } catch (err) {
      last = { at: new Date(), run: { action: 'error', reason: err instanceof Error ? err.message : String(err) } };
      opts.onRun?.('error');
      throw err;
    }
  }

  function runNow(): Promise<TunerRun> {
    running ??= once().finally(() => {
      running = null;
    });
    return running;
  }

  const gate = opts.gate;
  const tick = gate ? () => void gate().then((mine) => (mine ? runNow() : undefined)).catch(report) : () => void runNow().catch(report);
  const timer = opts.intervalMs > 0 ? setInterval(tick, gate ? Math.max(10, Math.min(opts.intervalMs / 4, 5_000)) : opts.intervalMs) : null;
  // The timer must not keep a CLI process or a test worker alive.
  timer?.unref();

  return {
    runNow,
    async approve(id, actor) {
      const r = await svc.approve(id, actor);
      await opts.onPolicyChange();
      return r;
    },
    reject: (id, actor, reason) => svc.reject(id, actor, reason),
    proposals: (status, limit) => prisma.tunerProposal.findMany({ where: status ? { status } : {}, orderBy: { createdAt: 'desc' }, take: limit }),
    last: () => last,
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
