// The batch service: store + runner behind the BatchService interface the transports use.
// Built by the composition root (server/runtime/compose.ts), which calls start() to resume jobs.
import { DomainError } from '../lib/errors';
import type { PrismaClient } from '../db/client';
import type { Principal } from '../contracts/principal';
import type { ChatService } from '../contracts/chat';
import type { ClassifyDeps } from './classify';
import { summarize, toItemResult } from './results';
import { createRunner, type Runner } from './runner';
import { batchStore } from './store';
import { TERMINAL, type BatchJobView, type BatchService, type ParsedLine } from './types';

export * from './types';
export { parseJsonl, parseLines, MAX_LINES } from './parse';
export { resultsJsonl, summarize } from './results';

export interface BatchServiceDeps {
  prisma: PrismaClient;
  chat: ChatService;
  /** The gateway's analyzer, policy, tiers and budgets: classification uses the same ones as requests. */
  gateway: ClassifyDeps;
  log?: (level: 'info' | 'error', msg: string) => void;
}

function invalid(message: string): Error {
  return new DomainError('invalid_request', message);
}

export function createBatchService(deps: BatchServiceDeps): BatchService & { runner: Runner } {
  const store = batchStore(deps.prisma);
  const runner = createRunner({ store, chat: deps.chat, gateway: deps.gateway, log: deps.log });

  return {
    runner,
    async create(principal: Principal, input: { name: string; lines: ParsedLine[] }): Promise<BatchJobView> {
      const name = input.name.trim().slice(0, 200);
      if (!name) throw invalid('A batch needs a name.');
      if (input.lines.length === 0) throw invalid('The batch has no requests: send one JSON object per line.');
      const job = await store.create(principal, name, input.lines, runner.owner);
      if (job.status === 'queued') runner.launch(job.id);
      return job;
    },
    get: (id) => store.get(id),
    async cancel(id) {
      const ok = await store.cancel(id);
      runner.abort(id);
      return ok;
    },
    async results(id) {
      if (!(await store.get(id))) return null;
      const items = (await store.items(id)).map(toItemResult);
      return { items, summary: summarize(items) };
    },
    async *watch(id, signal) {
      let last = '';
      for (;;) {
        const job = await store.get(id);
        if (!job) return;
        const key = JSON.stringify([job.status, job.done, job.failed, job.perTier, job.costUsd]);
        if (key !== last) {
          last = key;
          yield job;
        }
        if (TERMINAL.includes(job.status) || signal?.aborted) return;
        // wake on this process's progress, or every second (jobs run by another process)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, 1000);
          const off = runner.onChange(id, () => setTimeout(done, 200));
          const onAbort = () => done();
          signal?.addEventListener('abort', onAbort, { once: true });
          function done() {
            clearTimeout(timer);
            off();
            signal?.removeEventListener('abort', onAbort);
            resolve();
          }
        });
        if (signal?.aborted) return;
      }
    },
    settled: (id) => runner.settled(id),
    async start() {
      await runner.start();
    },
    stop: () => runner.stop(),
  };
}
