// `npm run cascade -- train-judge [--data data/answers/a.jsonl,data/answers/b.jsonl] [--l2 0.01]
//   [--out models/answer-quality.onnx] [--meta models/answer-quality.meta.json]`
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_QUALITY_META, DEFAULT_QUALITY_MODEL, writeQualityArtifacts } from '../../server/judging/artifact';
import { trainShipped } from '../../server/judging/pipeline';

export const description = 'Train the answer-quality model on data/answers and write models/answer-quality.onnx + meta.json';

export async function run(argv: string[]): Promise<number> {
  let o;
  try {
    o = parseArgs({ args: argv, options: { data: { type: 'string' }, l2: { type: 'string', default: '0.01' }, out: { type: 'string', default: DEFAULT_QUALITY_MODEL }, meta: { type: 'string', default: DEFAULT_QUALITY_META } }, strict: true }).values;
  } catch (e) {
    process.stderr.write(`train-judge: ${(e as Error).message}\n`);
    return 2;
  }
  const l2 = Number(o.l2);
  if (!Number.isFinite(l2) || l2 < 0) {
    process.stderr.write(`train-judge: --l2 must be a non-negative number, got "${o.l2}"\n`);
    return 2;
  }
  const files = o.data ? o.data.split(',').map((s) => s.trim()).filter(Boolean) : readdirSync('data/answers').filter((f) => f.endsWith('.jsonl')).sort().map((f) => join('data/answers', f));
  const started = Date.now();
  const a = await trainShipped(files, l2, (m) => process.stderr.write(`train-judge: ${m} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`));
  writeQualityArtifacts(o.out, o.meta, a);
  process.stdout.write(`wrote ${o.out} (${a.onnxBytes.length} bytes) and ${o.meta}: ${a.meta.modelVersion}, accept threshold ${a.meta.acceptThreshold}\n${JSON.stringify(a.meta.metrics, null, 2)}\n`);
  return 0;
}
