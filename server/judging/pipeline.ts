// Training the shipped answer-quality model: every answer file in data/answers/ contributes its
// non-final tiers' answers (the final tier — the dearest model of the file — is never judged by the
// cascade, so its answers are not what the model must score). The accept threshold that reached
// 95 % of the final tier's quality out of fold is recorded per file in the meta.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseOutcomes } from '../routing/eval/run';
import { buildQualityArtifacts } from './artifact';
import { featureTable, LABEL_AT, labeled } from './eval/evidence';
import { auc, chooseSetting, selectAnswerRows } from './eval/run';
import { outOfFold } from './eval/evidence';
import type { Labeled } from './train';
import { trainQuality } from './train';

/** The file's models, cheapest first by mean recorded cost. */
export function modelsByCost(lines: ReturnType<typeof parseOutcomes>['lines']): string[] {
  const sum = new Map<string, [number, number]>();
  for (const l of lines) for (const [m, o] of Object.entries(l.outcomes)) {
    const s = sum.get(m) ?? [0, 0];
    if (Number.isFinite(o.cost_usd)) sum.set(m, [s[0] + o.cost_usd, s[1] + 1]);
  }
  return [...sum.entries()].sort((a, b) => a[1][0] / a[1][1] - b[1][0] / b[1][1]).map(([m]) => m);
}

/** The labelled non-final answers of answer files (what `train-judge` trains on), e.g. as a base for a retrain. */
export function shippedExamples(files: string[]): Labeled[] {
  const out: Labeled[] = [];
  for (const file of files) {
    const { lines } = parseOutcomes(readFileSync(file, 'utf8'));
    const { rows } = selectAnswerRows(lines, modelsByCost(lines));
    out.push(...labeled(rows, featureTable(rows)));
  }
  return out;
}

export async function trainShipped(files: string[], l2: number, progress: (msg: string) => void) {
  const all: Labeled[] = [];
  const perFile: Record<string, unknown> = {};
  const hash = createHash('sha256');
  const thresholds: number[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    hash.update(text);
    const { lines } = parseOutcomes(text);
    const models = modelsByCost(lines);
    const { rows } = selectAnswerRows(lines, models);
    progress(`${basename(file)}: ${rows.length} items, tiers ${models.join(' < ')}`);
    const feats = featureTable(rows);
    const examples = labeled(rows, feats);
    const oof = await outOfFold(rows, feats, 5, { l2 });
    const opts = { judges: ['validators', 'verifiers', 'model'] as const, train: { l2 }, folds: 5, target: 0.95, confidence: 0.8, grid: 101, judgeSim: null, judgeAccept: [] };
    const { chosen } = await chooseSetting(rows, feats, models.length, { ...opts, judges: [...opts.judges] });
    const aucs = models.slice(0, -1).map((_, k) => auc(oof.map((s) => s[k]), rows.map((r) => (r.tiers[k].score >= LABEL_AT ? 1 : 0))));
    if (chosen) thresholds.push(chosen.setting.cfg.acceptThreshold);
    perFile[basename(file)] = {
      items: rows.length,
      models,
      out_of_fold_auc: aucs.map((a) => (a === null ? null : Number(a.toFixed(4)))),
      accept_threshold_at_95: chosen ? Number(chosen.setting.cfg.acceptThreshold.toFixed(4)) : null,
      chain_at_95: chosen ? chosen.setting.chain.map((k) => models[k]) : null,
    };
    all.push(...examples);
  }
  progress(`training on ${all.length} answers`);
  const model = trainQuality(all, { l2 });
  const sorted = [...thresholds].sort((a, b) => a - b);
  const acceptThreshold = sorted.length ? Number(sorted[Math.floor((sorted.length - 1) / 2)].toFixed(4)) : null;
  return buildQualityArtifacts(model, {
    acceptThreshold,
    training: { dataSha256: hash.digest('hex'), rows: all.length, positives: all.filter((r) => r.y === 1).length, sources: files.map((f) => basename(f)), l2, labelAt: LABEL_AT },
    metrics: perFile,
  });
}
