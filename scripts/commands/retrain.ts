// `npm run cascade -- retrain --model answer-quality|complexity [--days 30 | --from ISO --to ISO]
//   [--min-examples 20] [--with-shipped] [--dry-run] [--url U] [--json]`
// --with-shipped: the answer-quality candidate also trains on data/answers/*.jsonl (never held out).
// Trains a candidate from what decisions kept for training (the policy's `training` setting) and
// their ratings, evaluates it against the active version on a held-out fifth of the decisions, and
// registers it in the model registry with those metrics. It is not promoted: `models shadow` /
// `models promote` (or /admin/models) do that.
import '../../server/runtime/preload-native';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectDatabase } from '../../server/db/client';
import { env } from '../../server/env';
import { retrainFromDecisions } from '../../server/judging/retrain-run';
import { RETRAIN_KINDS, type Progress, type RetrainKind } from '../../server/judging/retrain';
import { isDomainError } from '../../server/lib/errors';
import { cliDatabaseUrl } from '../../server/runtime/process-file';

export const description = 'retrain a model (answer-quality | complexity) from recorded decisions and register the candidate';

const USAGE = 'usage: npm run cascade -- retrain --model answer-quality|complexity [--days 30 | --from ISO --to ISO] [--min-examples 20] [--with-shipped] [--dry-run] [--url U] [--json]';

/** One line per stage on stderr: redrawn in place on a terminal, each stage's last state otherwise. */
export function progressReporter(write: (s: string) => void, tty: boolean): Progress & { end(): void } {
  const started = performance.now();
  let stage = '';
  let last = '';
  const line = (p: { stage: string; done: number; total: number }) => {
    const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
    const filled = Math.round(frac * 20);
    return `retrain: ${p.stage.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${p.done}/${p.total} ${((performance.now() - started) / 1000).toFixed(1)} s`;
  };
  const fn = (p: { stage: string; done: number; total: number }) => {
    const l = line(p);
    if (tty) write(`\r${p.stage !== stage && stage ? '\n' : ''}${l}`);
    else if (p.stage !== stage && last) write(`${last}\n`);
    stage = p.stage;
    last = l;
  };
  return Object.assign(fn, { end: () => write(tty ? '\n' : last ? `${last}\n` : '') });
}

export async function run(argv: string[]): Promise<number> {
  let o;
  try {
    o = parseArgs({ args: argv, options: { model: { type: 'string' }, days: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, 'min-examples': { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, 'with-shipped': { type: 'boolean', default: false }, url: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true }).values;
  } catch (e) {
    process.stderr.write(`retrain: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!RETRAIN_KINDS.includes(o.model as RetrainKind)) {
    process.stderr.write(`retrain: --model must be one of ${RETRAIN_KINDS.join(', ')}, got "${o.model ?? ''}"\n${USAGE}\n`);
    return 2;
  }
  if (o['with-shipped'] && o.model !== 'answer-quality') {
    process.stderr.write(`retrain: --with-shipped applies to the answer-quality model only\n${USAGE}\n`);
    return 2;
  }
  const days = o.days === undefined ? 30 : Number(o.days);
  const minExamples = o['min-examples'] === undefined ? undefined : Number(o['min-examples']);
  const to = o.to ? new Date(o.to) : new Date();
  const from = o.from ? new Date(o.from) : new Date(to.getTime() - days * 86_400_000);
  if (!(days > 0) || !Number.isFinite(from.getTime()) || !Number.isFinite(to.getTime()) || !(from < to) || (minExamples !== undefined && !(Number.isInteger(minExamples) && minExamples > 0))) {
    process.stderr.write(`retrain: --days must be a positive number, --from/--to valid dates with from < to, --min-examples a positive integer\n${USAGE}\n`);
    return 2;
  }
  const progress = progressReporter((s) => process.stderr.write(s), process.stderr.isTTY === true);
  const db = await connectDatabase({ url: cliDatabaseUrl(o.url, env()) });
  try {
    const withShipped = o['with-shipped'] ? readdirSync('data/answers').filter((f) => f.endsWith('.jsonl')).sort().map((f) => join('data/answers', f)) : undefined;
    const r = await retrainFromDecisions(db.prisma, o.model as RetrainKind, { window: { from, to }, register: !o['dry-run'], actor: { id: null, label: 'cli' }, progress, minExamples, withShipped });
    progress.end();
    const summary = { kind: r.candidate.kind, version: r.candidate.version, registered: r.registered !== null, decisions: r.decisions, dataWindow: r.candidate.dataWindow, metrics: r.candidate.metrics };
    if (o.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      const m = r.candidate.metrics as { candidate: Record<string, unknown>; active: Record<string, unknown> | null; heldOut: Record<string, unknown>; train: Record<string, unknown> };
      process.stdout.write(`${r.registered ? 'registered' : 'trained (dry run, not registered)'} ${r.candidate.version} from ${r.candidate.dataWindow}\n`);
      process.stdout.write(`  train    ${JSON.stringify(m.train)}\n  held out ${JSON.stringify(m.heldOut)}\n  candidate ${JSON.stringify(m.candidate)}\n  active    ${JSON.stringify(m.active)}\n`);
      if (r.registered) process.stdout.write(`next: npm run cascade -- models shadow --version ${r.candidate.version}   (then promote, or leave it)\n`);
    }
    return 0;
  } catch (e) {
    progress.end();
    if (isDomainError(e)) {
      process.stderr.write(`retrain: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await db.close();
  }
}
