// `npm run cascade -- train [--seed N] [--out models/complexity.onnx] [--meta models/complexity.meta.json] [--data data/complexity]`
import { DEFAULT_META_PATH, DEFAULT_MODEL_PATH, writeArtifacts } from '../../server/complexity/artifact';
import { trainArtifacts } from '../../server/complexity/pipeline';
import { parseFlags } from '../../server/complexity/cli-flags';

export const description = 'Train the complexity classifier and write models/complexity.onnx + meta.json';

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, { seed: '1', out: DEFAULT_MODEL_PATH, meta: DEFAULT_META_PATH, data: 'data/complexity' });
  const seed = Number(flags.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    process.stderr.write(`train: --seed must be an integer in [0, 2^32), got "${flags.seed}"\n`);
    return 2;
  }
  const started = Date.now();
  const progress = (p: { epoch: number; trainLoss: number; valLoss: number; best: number }) => {
    if (p.epoch % 5 === 0 || p.epoch === 1)
      process.stderr.write(`\rtrain: epoch ${String(p.epoch).padStart(3)}  train-loss ${p.trainLoss.toFixed(4)}  val-loss ${p.valLoss.toFixed(4)}  best ${p.best.toFixed(4)}  ${((Date.now() - started) / 1000).toFixed(1)}s `);
  };
  process.stderr.write(`train: featurizing data from ${flags.data} (seed ${seed})\n`);
  const runResult = trainArtifacts({ seed, dataDir: flags.data, onProgress: progress });
  process.stderr.write('\n');
  writeArtifacts(flags.out, flags.meta, runResult);
  const v = runResult.validation;
  const h = runResult.holdout;
  process.stdout.write(
    `wrote ${flags.out} (${(runResult.onnxBytes.length / 1024).toFixed(0)} KiB) and ${flags.meta}\n` +
      `model ${runResult.modelVersion}: validation macro-F1 ${v.macroF1.toFixed(3)} (n=${v.n})` +
      (h ? `, realistic held-out macro-F1 ${h.macroF1.toFixed(3)} (n=${h.n})` : '') +
      ` in ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
  );
  return 0;
}
