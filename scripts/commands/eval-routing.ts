// `npm run cascade -- eval-routing --data FILE --small MODEL --medium MODEL --large MODEL
//   [--split test] [--history-split train] [--json]`
// Routes every prompt of an outcome file through the server's own assess + decide, sweeps the
// thresholds, and prints the quality/cost curve against single tiers, a random mix and the oracle.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Assessment } from '../../server/complexity/types';
import { parseOutcomes, runEval, selectRows, type OutcomeLine } from '../../server/routing/eval/run';
import { loadAnalyzer, type HistoryExample } from '../../server/routing/eval/analyzer';

export const description = 'offline routing evaluation on an outcome file: curve, APGR, cost_at_95';

const USAGE = 'usage: eval-routing --data FILE --small MODEL --medium MODEL --large MODEL [--split test] [--history-split train] [--json]';

export async function run(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' },
        small: { type: 'string' },
        medium: { type: 'string' },
        large: { type: 'string' },
        split: { type: 'string' },
        'history-split': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`eval-routing: ${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
    return 2;
  }
  const { data, small, medium, large } = opts;
  if (!data || !small || !medium || !large) {
    process.stderr.write(`eval-routing: --data, --small, --medium and --large are required\n${USAGE}\n`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(data, 'utf8');
  } catch (e) {
    process.stderr.write(`eval-routing: cannot read ${data}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const { lines, errors } = parseOutcomes(text);
  for (const e of errors.slice(0, 5)) process.stderr.write(`eval-routing: ${data} ${e} (skipped)\n`);
  if (errors.length > 5) process.stderr.write(`eval-routing: ... ${errors.length - 5} more bad lines skipped\n`);
  const models = { small, medium, large };
  const split = opts.split ?? null;
  const { rows, skipped } = selectRows(lines, models, split);
  if (rows.length === 0) {
    const known = [...new Set(lines.flatMap((l) => Object.keys(l.outcomes)))].slice(0, 20).join(', ');
    process.stderr.write(`eval-routing: no rows${split ? ` in split "${split}"` : ''} with outcomes for all of ${small}, ${medium}, ${large}. Models in the file: ${known}\n`);
    return 1;
  }
  const historySplit = opts['history-split'] ?? null;
  const history = historySplit ? toHistory(lines.filter((l) => l.split === historySplit), models) : undefined;
  if (historySplit && history!.length === 0) {
    process.stderr.write(`eval-routing: history split "${historySplit}" has no usable rows\n`);
    return 1;
  }

  const analyzer = await loadAnalyzer(history);
  const assessments: Assessment[] = [];
  const started = Date.now();
  for (const [i, r] of rows.entries()) {
    assessments.push(await analyzer.assess(r.prompt));
    if ((i + 1) % 100 === 0 || i + 1 === rows.length) process.stderr.write(`\reval-routing: assessed ${i + 1}/${rows.length}`);
  }
  await analyzer.close();
  process.stderr.write(`\neval-routing: sweeping thresholds...\n`);
  const result = runEval(rows, assessments);
  const out = {
    data,
    split,
    historySplit,
    historyRows: history?.length ?? 0,
    models,
    analyzer: analyzer.modelVersion,
    skipped,
    badLines: errors.length,
    seconds: (Date.now() - started) / 1000,
    ...result,
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
    process.stdout.write(
      [
        `rows ${out.rows} (skipped ${skipped}), analyzer ${out.analyzer}, history ${out.historyRows}`,
        ...(['small', 'medium', 'large'] as const).map((t) => `${t.padEnd(7)} quality ${out.single[t].quality.toFixed(3)}  cost ${pct(out.single[t].costFraction)} of large`),
        `oracle  quality ${out.oracle.quality.toFixed(3)}  cost ${pct(out.oracle.costFraction)}`,
        `cost_at_95: router ${pct(out.cost_at_95)}  random mix ${pct(out.random.cost_at_95)}  oracle ${pct(out.oracle.cost_at_95)}`,
        `APGR: router ${out.apgr?.toFixed(3) ?? 'n/a'}  random mix ${out.random.apgr?.toFixed(3) ?? 'n/a'}`,
        out.best_at_95 ? `best setting at 95%: t1=${out.best_at_95.t1} t2=${out.best_at_95.t2}` : 'no swept setting reaches 95% of large',
      ].join('\n') + '\n',
    );
  }
  return 0;
}

function toHistory(lines: OutcomeLine[], models: Record<'small' | 'medium' | 'large', string>): HistoryExample[] {
  const out: HistoryExample[] = [];
  for (const l of lines) {
    const s = l.outcomes[models.small];
    const m = l.outcomes[models.medium];
    const g = l.outcomes[models.large];
    if (!s || !m || !g) continue;
    out.push({ prompt: l.prompt, scores: { small: s.score, medium: m.score, large: g.score } });
  }
  return out;
}
