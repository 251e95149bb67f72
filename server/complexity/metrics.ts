// Classification metrics: confusion matrix, per-class precision / recall / F1 and macro-F1.
import { BANDS, type Band } from './types';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Report {
  n: number;
  accuracy: number;
  macroF1: number;
  /** confusion[true][predicted], rows and columns in BANDS order. */
  confusion: number[][];
  perClass: Record<Band, ClassMetrics>;
}

export function evaluate(truth: Band[], predicted: Band[]): Report {
  const k = BANDS.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  truth.forEach((t, i) => confusion[BANDS.indexOf(t)][BANDS.indexOf(predicted[i])]++);
  const perClass = {} as Record<Band, ClassMetrics>;
  let f1Sum = 0;
  let present = 0;
  BANDS.forEach((band, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[band] = { precision, recall, f1, support };
    // Macro-F1 over classes that occur in the truth, so a fold without "research" is not punished for it.
    if (support > 0) {
      f1Sum += f1;
      present++;
    }
  });
  const correct = truth.filter((t, i) => t === predicted[i]).length;
  return { n: truth.length, accuracy: truth.length ? correct / truth.length : 0, macroF1: present ? f1Sum / present : 0, confusion, perClass };
}

export function formatReport(title: string, r: Report): string {
  const pct = (x: number) => (x * 100).toFixed(1).padStart(5);
  const lines = [`${title}: n=${r.n}  accuracy=${pct(r.accuracy)}%  macro-F1=${r.macroF1.toFixed(3)}`];
  lines.push(`  confusion (rows = truth, cols = predicted)`);
  lines.push(`  ${''.padEnd(10)}${BANDS.map((b) => b.padStart(10)).join('')}`);
  BANDS.forEach((b, i) => lines.push(`  ${b.padEnd(10)}${r.confusion[i].map((v) => String(v).padStart(10)).join('')}`));
  lines.push(`  ${'class'.padEnd(10)}${['precision', 'recall', 'F1', 'support'].map((h) => h.padStart(10)).join('')}`);
  for (const b of BANDS) {
    const m = r.perClass[b];
    lines.push(`  ${b.padEnd(10)}${[m.precision, m.recall, m.f1].map((v) => v.toFixed(3).padStart(10)).join('')}${String(m.support).padStart(10)}`);
  }
  return lines.join('\n');
}
