// The training job: on one replica at a time (the 'training' leader lease when replicas share Redis),
// purge what the policy's `training` setting no longer keeps (every purgeEveryMs), and, when it keeps
// anything, retrain both models from the recorded window and register the candidates that beat the
// active version on the held-out slice (every retrainEveryMs; 0 = only by command). Candidates are
// never promoted here.
import type { PrismaClient } from '../db/client';
import { retrainFromDecisions } from '../judging/retrain-run';
import { RETRAIN_KINDS, type RetrainKind } from '../judging/retrain';
import { isDomainError } from '../lib/errors';
import { purgeTraining, type PurgeResult } from '../repos/training';
import type { Policy } from '../routing/policy';

export interface TrainingJobOptions {
  policy: { current(): { policy: Policy } };
  purgeEveryMs: number;
  retrainEveryMs: number;
  /** Days of recorded decisions a scheduled retrain reads. */
  retrainDays?: number;
  /** Singleton gate across replicas: this replica leads and nobody ran this interval yet. */
  gate?: (job: 'purge' | 'retrain', intervalMs: number) => Promise<boolean>;
  log?: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
}

export interface TrainingJob {
  purgeNow(): Promise<PurgeResult>;
  /** Registers only candidates that beat the active version on the held-out slice (the registry would otherwise grow daily). */
  retrainNow(): Promise<{ kind: RetrainKind; version: string | null; reason: string | null }[]>;
  stop(): void;
}

export function startTrainingJob(prisma: PrismaClient, opts: TrainingJobOptions): TrainingJob {
  const log = opts.log ?? ((level, msg, fields) => console[level](`cascade: ${msg}${fields ? ` ${JSON.stringify(fields)}` : ''}`));
  const purgeNow = () => purgeTraining(prisma, opts.policy.current().policy.training);
  async function retrainNow() {
    const to = new Date();
    const window = { from: new Date(to.getTime() - (opts.retrainDays ?? 30) * 86_400_000), to };
    const out: { kind: RetrainKind; version: string | null; reason: string | null }[] = [];
    for (const kind of RETRAIN_KINDS) {
      try {
        const r = await retrainFromDecisions(prisma, kind, { window, actor: { id: null, label: 'training job' }, register: 'if-better' });
        out.push({ kind, version: r.registered ? r.candidate.version : null, reason: r.registered ? null : `candidate ${r.candidate.version} does not beat the active version on the held-out slice` });
      } catch (e) {
        if (!isDomainError(e)) throw e;
        out.push({ kind, version: null, reason: e.message }); // too few labels yet: nothing to register
      }
    }
    return out;
  }
  const keepsAnything = () => {
    const t = opts.policy.current().policy.training;
    return t.keep !== 'off' || t.fullText.length > 0;
  };
  const timers: NodeJS.Timeout[] = [];
  const every = (job: 'purge' | 'retrain', ms: number, work: () => Promise<unknown>) => {
    if (ms <= 0) return;
    const gate = opts.gate;
    const tick = async () => {
      if (gate && !(await gate(job, ms))) return;
      await work();
    };
    // With a gate the timer ticks more often than the interval and the gate's claim lets one tick per interval run.
    const t = setInterval(() => void tick().catch((e: unknown) => log('warn', `training job (${job}) failed`, { err: String(e) })), gate ? Math.max(10, Math.min(ms / 4, 60_000)) : ms);
    t.unref();
    timers.push(t);
  };
  every('purge', opts.purgeEveryMs, async () => {
    const r = await purgeNow();
    if (r.deleted || r.textCleared) log('info', 'training samples purged', { ...r });
  });
  every('retrain', opts.retrainEveryMs, async () => {
    if (!keepsAnything()) return;
    for (const r of await retrainNow()) log('info', r.version ? `retrained ${r.kind}: candidate ${r.version} registered` : `retrain ${r.kind} skipped: ${r.reason}`);
  });
  return { purgeNow, retrainNow, stop: () => timers.forEach((t) => clearInterval(t)) };
}
