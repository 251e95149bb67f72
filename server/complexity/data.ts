// Training data shipped in data/complexity/ (see data/README.md): benchmark rows with weak source
// labels, demo prompts labelled by hand, and hand-written everyday prompts. The loader balances
// sources (caps), weights the hand-labelled rows up, and adds typo'd copies of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32, shuffle } from './hash';
import type { Example } from './train';
import { BANDS, type Band } from './types';

export const DATA_DIR = 'data/complexity';
export const TRAIN_FILES = ['benchmarks.jsonl', 'demo-labeled.jsonl', 'handwritten.jsonl', 'handwritten-2.jsonl'];
export const HOLDOUT_FILE = 'realistic-holdout.jsonl';

/** Per-source caps, so 3,610 trivia questions do not teach "simple = NQ style". */
const SOURCE_CAP: Record<string, number> = { nq_open_dev: 600, svamp: 250, gsm8k_test: 400 };
/** Hand-labelled rows look like real traffic; the benchmark rows only look like benchmarks. */
const FILE_WEIGHT: Record<string, number> = { 'benchmarks.jsonl': 1, 'demo-labeled.jsonl': 3, 'handwritten.jsonl': 4, 'handwritten-2.jsonl': 4 };

export interface LabeledRow {
  text: string;
  label: Band;
  source: string;
}

export function readJsonl(path: string): LabeledRow[] {
  const rows: LabeledRow[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      const r = JSON.parse(line) as Partial<LabeledRow>;
      if (typeof r.text !== 'string' || !BANDS.includes(r.label as Band)) throw new Error(`${path}:${i + 1}: needs text and a label in ${BANDS.join('|')}`);
      rows.push({ text: r.text, label: r.label as Band, source: String(r.source ?? 'unknown') });
    });
  return rows;
}

/** One plausible typo: swap, drop or double a letter inside a longer word. */
export function addTypos(text: string, rand: () => number, count = 1): string {
  let out = text;
  for (let n = 0; n < count; n++) {
    const words = [...out.matchAll(/[a-zA-Z]{5,}/g)];
    if (words.length === 0) return out;
    const w = words[Math.floor(rand() * words.length)];
    const at = w.index! + 1 + Math.floor(rand() * (w[0].length - 2));
    const kind = Math.floor(rand() * 3);
    if (kind === 0) out = out.slice(0, at) + out[at + 1] + out[at] + out.slice(at + 2);
    else if (kind === 1) out = out.slice(0, at) + out.slice(at + 1);
    else out = out.slice(0, at) + out[at] + out.slice(at);
  }
  return out;
}

export function loadTrainingSet(dir = DATA_DIR, seed = 1): { examples: Example[]; raw: string } {
  const rand = mulberry32(seed ^ 0x1234567);
  const examples: Example[] = [];
  let raw = '';
  for (const file of TRAIN_FILES) {
    const path = join(dir, file);
    raw += readFileSync(path, 'utf8');
    const rows = readJsonl(path);
    const bySource = new Map<string, LabeledRow[]>();
    for (const r of rows) bySource.set(r.source, [...(bySource.get(r.source) ?? []), r]);
    for (const [source, list] of [...bySource].sort((a, b) => a[0].localeCompare(b[0]))) {
      const cap = SOURCE_CAP[source] ?? Infinity;
      const kept = list.length > cap ? shuffle(list.slice(), rand).slice(0, cap) : list;
      const weight = FILE_WEIGHT[file] ?? 1;
      for (const r of kept) {
        examples.push({ text: r.text, label: r.label, source, weight });
        // Real users misspell; the benchmarks never do.
        if (file !== 'benchmarks.jsonl') examples.push({ text: addTypos(r.text, rand, 1 + Math.floor(rand() * 2)), label: r.label, source, weight: weight / 2, augmented: true });
      }
    }
  }
  return { examples, raw };
}

export function loadHoldout(dir = DATA_DIR): LabeledRow[] {
  return readJsonl(join(dir, HOLDOUT_FILE));
}
