// `npm run cascade -- eval-classifier [--seed N] [--no-loso] [--json PATH]`
// Confusion matrix, per-class precision/recall/F1 and macro-F1 for (1) a stratified held-out split
// of the training data, (2) leave-one-source-out, (3) the realistic held-out set, scored with the
// committed ONNX model through the real analyzer.
import { writeFileSync } from 'node:fs';
import { DEFAULT_META_PATH, DEFAULT_MODEL_PATH } from '../../server/complexity/artifact';
import { parseFlags } from '../../server/complexity/cli-flags';
import { loadHoldout, loadTrainingSet } from '../../server/complexity/data';
import { createAnalyzer } from '../../server/complexity';
import { evaluate, formatReport } from '../../server/complexity/metrics';
import { evaluateOn, heldOutSplit, leaveOneSourceOut, summary } from '../../server/complexity/pipeline';
import { train } from '../../server/complexity/train';
import type { Band } from '../../server/complexity/types';

export const description = 'Evaluate the complexity classifier: held-out split, leave-one-source-out, realistic set';

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { seed: '1', 'no-loso': 'false', json: '', data: 'data/complexity', model: DEFAULT_MODEL_PATH, meta: DEFAULT_META_PATH });
  const seed = Number(flags.seed);
  if (!Number.isInteger(seed) || seed < 0) {
    process.stderr.write(`eval-classifier: --seed must be a non-negative integer\n`);
    return 2;
  }
  const out: Record<string, unknown> = {};
  const { examples } = loadTrainingSet(flags.data, seed);

  process.stderr.write('eval-classifier: training on 85 % of the data for the held-out split...\n');
  const split = heldOutSplit(examples, 0.15, seed);
  const { model, params } = train(split.train, { seed });
  const held = evaluateOn(model, params, split.test);
  process.stdout.write(`${formatReport('Held-out split (15 %, stratified)', held)}\n\n`);
  out.heldOut = { ...summary(held), confusion: held.confusion, perClass: held.perClass };

  if (flags['no-loso'] === 'false') {
    const loso = leaveOneSourceOut(examples, { seed }, (source) => process.stderr.write(`\reval-classifier: leave-one-source-out, holding out ${source.padEnd(30)}`));
    process.stderr.write('\n');
    process.stdout.write(`${formatReport('Leave-one-source-out (pooled over all held-out sources)', loso.pooled)}\n`);
    process.stdout.write('  per source (trained without it):\n');
    for (const s of loso.perSource) process.stdout.write(`    ${s.source.padEnd(28)} ${s.label.padEnd(26)} n=${String(s.n).padStart(5)}  accuracy ${(s.accuracy * 100).toFixed(1)}%\n`);
    process.stdout.write('\n');
    out.loso = { ...summary(loso.pooled), confusion: loso.pooled.confusion, perClass: loso.pooled.perClass, perSource: loso.perSource };
  }

  const analyzer = await createAnalyzer({ modelPath: flags.model, metaPath: flags.meta });
  const rows = loadHoldout(flags.data);
  const predicted: Band[] = [];
  for (const r of rows) predicted.push((await analyzer.assess(r.text)).band);
  await analyzer.close();
  const realistic = evaluate(
    rows.map((r) => r.label),
    predicted,
  );
  process.stdout.write(`${formatReport(`Realistic held-out set (${flags.model}, ${analyzer.modelVersion}, never trained on)`, realistic)}\n`);
  const misses = rows.map((r, i) => ({ ...r, predicted: predicted[i] })).filter((r) => r.label !== r.predicted);
  if (misses.length) {
    process.stdout.write('  misclassified:\n');
    for (const m of misses) process.stdout.write(`    ${m.label.padEnd(9)} -> ${m.predicted.padEnd(9)} ${JSON.stringify(m.text.slice(0, 90))}\n`);
  }
  out.realistic = { ...summary(realistic), confusion: realistic.confusion, perClass: realistic.perClass, modelVersion: analyzer.modelVersion };
  if (flags.json) writeFileSync(flags.json, `${JSON.stringify(out, null, 2)}\n`);
  return 0;
}
