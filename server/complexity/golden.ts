// Golden outputs of the analyzer, to prove that a speed change changed nothing: for a fixed set of
// committed texts (every labelled row of data/complexity but most benchmark rows, plus hostile and
// edge-case inputs) a digest of the exact featurize() output and of the exact assess() result
// (every float as JSON writes it, i.e. bit for bit) is kept in fixtures/golden.json and compared by
// golden.test.ts. Regenerate only when the model or the features change ON PURPOSE:
//   node --import tsx server/complexity/golden.ts --write
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_DIR, HOLDOUT_FILE, TRAIN_FILES, readJsonl } from './data';
import { featurize, type FeatureParams } from './featurize';
import type { Assessment } from './types';

export const GOLDEN_PATH = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures', 'golden.json');

export interface Golden {
  modelVersion: string;
  count: number;
  /** One digest over every text's features, then one per text of its assessment. */
  features: string;
  assessments: Record<string, string>;
}

/** Inputs the featurizer must treat carefully: empty, junk, CJK, code, math, very long, mixed scripts. */
const EDGE = [
  '',
  ' ',
  '?',
  '\u0000\u0001\ufffd\ud800 lone surrogate and controls',
  'naïve café résumé — ﬁ ligature ① ２３',
  '你好，请帮我写一份关于电动汽车电池市场的详细研究报告，包括主要厂商、技术路线和价格趋势。',
  'こんにちは。東京の人口は何人ですか？',
  '```python\ndef f(x):\n    return x * 2\n```\nWhy does this return the wrong value for strings?',
  'Solve $x^2 + 3x - 4 = 0$ and prove that \\frac{a}{b} \\le 1 for a <= b. f(x) = 2x + 1, 3x=9',
  '1. Compare React and Vue\n2. List pros and cons\n3. Recommend one for a startup\n\n- speed\n- ecosystem\n- hiring',
  'Here is my essay:\n\nThe industrial revolution changed everything about how people worked and lived.\n\nPlease proofread it and fix the grammar.',
  'Visit https://example.com/a?b=c and http://x.y/z then summarize both pages',
  'a'.repeat(100),
  'word '.repeat(3000),
  'Explain why the sky is blue. '.repeat(500),
  'Was ist die Hauptstadt von Frankreich? ¿Cuál es la capital de España? Quelle est la capitale de la France?',
  'hi',
  'Research and analyze the EV battery market across sources',
];

/** The texts of the golden set, in a fixed order. */
export function goldenTexts(): string[] {
  const texts: string[] = [...EDGE];
  for (const file of [HOLDOUT_FILE, 'handwritten.jsonl', 'demo-labeled.jsonl']) texts.push(...readJsonl(join(DATA_DIR, file)).map((r) => r.text));
  // Every 5th benchmark row: all sources and lengths (up to the 12,000-character cut) without a slow test.
  const bench = readJsonl(join(DATA_DIR, TRAIN_FILES[0]));
  for (let i = 0; i < bench.length; i += 5) texts.push(bench[i].text);
  return texts;
}

const sha = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

export function featuresDigest(texts: string[], params: FeatureParams): string {
  const h = createHash('sha256');
  for (const t of texts) {
    const f = featurize(t, params);
    h.update(new Uint8Array(f.indices.buffer, f.indices.byteOffset, f.indices.byteLength));
    h.update(new Uint8Array(f.values.buffer, f.values.byteOffset, f.values.byteLength));
    h.update(JSON.stringify([f.structure, f.keywords, f.language, f.truncated]));
  }
  return h.digest('hex');
}

export function assessmentDigest(a: Assessment): string {
  return sha(JSON.stringify(a)).slice(0, 20);
}

export async function computeGolden(assess: (t: string) => Promise<Assessment>, params: FeatureParams, modelVersion: string): Promise<Golden> {
  const texts = goldenTexts();
  const assessments: Record<string, string> = {};
  for (const t of texts) assessments[sha(t).slice(0, 16)] = assessmentDigest(await assess(t));
  return { modelVersion, count: texts.length, features: featuresDigest(texts, params), assessments };
}

export function readGolden(): Golden {
  return JSON.parse(readFileSync(GOLDEN_PATH, 'utf8')) as Golden;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv.includes('--write')) {
  const { createAnalyzer } = await import('./index');
  const analyzer = await createAnalyzer();
  const g = await computeGolden((t) => analyzer.assess(t), analyzer.featureParams, analyzer.modelVersion);
  writeFileSync(GOLDEN_PATH, `${JSON.stringify(g, null, 0)}\n`);
  console.log(`wrote ${GOLDEN_PATH}: ${g.count} texts, model ${g.modelVersion}`);
  await analyzer.close();
}
