// `npm run cascade -- eval-cascade --data FILE --train FILE --small MODEL [--medium MODEL] --large MODEL --json`
// Trains the answer judges on --train, replays the answer-side cascade on --data with the server's
// judge chain and ONNX scorer, and prints curve, APGR, cost_at_95, at_target and the prompt-only
// router on the same items. `--cv K` cross-validates on --data alone instead.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { JUDGES, type JudgeName } from '../../server/judging/chain';
import type { JudgeSim } from '../../server/judging/eval/evidence';
import { promptOnlyBaseline, promptOnlyBaselineCv } from '../../server/judging/eval/baseline';
import { runCascadeCv, runCascadeEval, selectAnswerRows } from '../../server/judging/eval/run';
import { parseOutcomes } from '../../server/routing/eval/run';

export const description = 'offline answer-side cascade evaluation: judges trained on --train, replayed on --data';

const USAGE = `usage: eval-cascade --data FILE (--train FILE | --cv K) --small MODEL [--medium MODEL] --large MODEL [--json]
  [--judges validators,verifiers,model[,judge_tier]] [--folds 5] [--target 0.95] [--confidence 0.8] [--l2 0.01] [--hidden 0]
  [--judge-noise 1] [--judge-price-in 10] [--judge-price-out 30] [--no-baseline]`;

function fail(msg: string): number {
  process.stderr.write(`eval-cascade: ${msg}\n${USAGE}\n`);
  return 2;
}

function readLines(path: string) {
  const { lines, errors } = parseOutcomes(readFileSync(path, 'utf8'));
  for (const e of errors.slice(0, 5)) process.stderr.write(`eval-cascade: ${path} ${e} (skipped)\n`);
  return lines;
}

export async function run(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseArgs({
      args: argv,
      options: {
        data: { type: 'string' }, train: { type: 'string' }, cv: { type: 'string' },
        small: { type: 'string' }, medium: { type: 'string' }, large: { type: 'string' },
        judges: { type: 'string', default: 'validators,verifiers,model' },
        folds: { type: 'string', default: '5' }, target: { type: 'string', default: '0.95' }, confidence: { type: 'string', default: '0.8' },
        l2: { type: 'string', default: '0.01' }, hidden: { type: 'string', default: '0' }, grid: { type: 'string', default: '201' },
        'judge-noise': { type: 'string', default: '1' }, 'judge-price-in': { type: 'string', default: '10' }, 'judge-price-out': { type: 'string', default: '30' },
        'judge-accept': { type: 'string', default: '0.5,0.67,0.78,0.89' },
        'no-baseline': { type: 'boolean', default: false }, json: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  if (!opts.data || !opts.small || !opts.large) return fail('--data, --small and --large are required');
  if (!opts.train && !opts.cv) return fail('give --train FILE, or --cv K to cross-validate on --data');
  const judges = opts.judges.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = judges.filter((j) => !(JUDGES as readonly string[]).includes(j));
  if (unknown.length) return fail(`unknown judge(s) ${unknown.join(', ')}; known: ${JUDGES.join(', ')}`);
  const num = (name: string, v: string, lo: number, hi: number) => {
    const x = Number(v);
    if (!Number.isFinite(x) || x < lo || x > hi) throw new Error(`--${name} must be a number in [${lo}, ${hi}], got "${v}"`);
    return x;
  };
  let confidence: number, folds: number, target: number, l2: number, hidden: number, grid: number, cv: number | null, judgeSim: JudgeSim | null, judgeAccept: number[];
  try {
    folds = num('folds', opts.folds, 2, 20);
    target = num('target', opts.target, 0.5, 1);
    confidence = num('confidence', opts.confidence, 0.5, 0.999);
    l2 = num('l2', opts.l2, 0, 100);
    hidden = num('hidden', opts.hidden, 0, 64);
    grid = num('grid', opts.grid, 3, 1001);
    cv = opts.cv ? num('cv', opts.cv, 2, 20) : null;
    judgeSim = judges.includes('judge_tier')
      ? { noise: num('judge-noise', opts['judge-noise'], 0, 9), inputPricePerM: num('judge-price-in', opts['judge-price-in'], 0, 1000), outputPricePerM: num('judge-price-out', opts['judge-price-out'], 0, 1000), rubricChars: 1200, verdictTokens: 40, seed: 7 }
      : null;
    judgeAccept = opts['judge-accept'].split(',').map((x) => num('judge-accept', x, 0, 1));
  } catch (e) {
    return fail((e as Error).message);
  }
  const models = [opts.small, ...(opts.medium ? [opts.medium] : []), opts.large];
  let dataLines, trainLines;
  try {
    dataLines = readLines(opts.data);
    trainLines = opts.train ? readLines(opts.train) : null;
  } catch (e) {
    process.stderr.write(`eval-cascade: cannot read input: ${(e as Error).message}\n`);
    return 2;
  }
  const data = selectAnswerRows(dataLines, models);
  const train = trainLines ? selectAnswerRows(trainLines, models) : null;
  if (data.rows.length === 0 || (train && train.rows.length === 0)) {
    const known = [...new Set(dataLines.flatMap((l) => Object.keys(l.outcomes)))].slice(0, 20).join(', ');
    process.stderr.write(`eval-cascade: no rows with answers for all of ${models.join(', ')}. Models in the file: ${known}\n`);
    return 1;
  }
  if (train) {
    const trainIds = new Set(train.rows.map((r) => r.id));
    const overlap = data.rows.filter((r) => trainIds.has(r.id)).length;
    if (overlap) process.stderr.write(`eval-cascade: warning: ${overlap} items of --data are also in --train\n`);
  }
  const started = Date.now();
  const progress = (msg: string) => process.stderr.write(`eval-cascade: ${msg} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  const o = { judges: judges as JudgeName[], train: { l2, hidden }, folds, target, confidence, grid, judgeSim, judgeAccept, progress };
  const result = cv !== null ? await runCascadeCv(data.rows, models, { ...o, folds: cv }) : await runCascadeEval(train!.rows, data.rows, models, o);
  const baseline = opts['no-baseline'] ? null : cv !== null ? await promptOnlyBaselineCv(data.rows, cv, progress) : await promptOnlyBaseline(train!.rows, data.rows, progress);
  const out = {
    data: opts.data,
    train: opts.train ?? null,
    cv,
    skipped: data.skipped,
    train_rows: train?.rows.length ?? null,
    judge_sim: judgeSim,
    seconds: (Date.now() - started) / 1000,
    ...result,
    prompt_only: baseline,
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else {
    const pct = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(1)}%`);
    process.stdout.write(
      [
        `rows ${out.rows}${cv ? ` (${cv}-fold CV)` : `, trained on ${out.train_rows}`}; judges ${judges.join(' > ')}`,
        ...models.map((m) => `${m.padEnd(30)} quality ${out.single[m].quality.toFixed(3)}  cost ${pct(out.single[m].costFraction)} of large`),
        `cost_at_95: cascade ${pct(out.cost_at_95)}  random ${pct(out.random.cost_at_95)}  oracle ${pct(out.oracle.cost_at_95)}${baseline ? `  prompt-only ${pct(baseline.cost_at_95)}` : ''}`,
        `answer-quality model AUC: ${Object.entries(out.model_auc).map(([m, a]) => `${m} ${a ?? 'n/a'}`).join(', ')}; oracle cascade cost_at_95 ${pct(out.oracle_cascade.cost_at_95)}`,
        `APGR: cascade ${out.apgr?.toFixed(3) ?? 'n/a'}${baseline ? `  prompt-only ${baseline.apgr?.toFixed(3) ?? 'n/a'}` : ''}`,
        out.at_target ? `at_target (chosen on training data): quality ${pct(out.at_target.quality_share)} of large at ${pct(out.at_target.cost_share)} of its cost` : 'at_target: no setting reached the target on the training data',
      ].join('\n') + '\n',
    );
  }
  return 0;
}
