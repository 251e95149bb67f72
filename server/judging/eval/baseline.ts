// The prompt-only router on the same items, for comparison: the server's analyzer (with the training
// items as its history store, as eval-routing does) and decide() across the threshold sweep. With
// two tiers the medium target is the small model, so the sweep chooses between the two.
import { loadAnalyzer, type HistoryExample } from '../../routing/eval/analyzer';
import { runEval, type EvalRow } from '../../routing/eval/run';
import { outcomeRows } from './run';
import type { Assessment } from '../../complexity/types';
import { foldOf, type AnswerRow } from './evidence';

const toRows = (rows: AnswerRow[]): EvalRow[] => outcomeRows(rows).map((o, i) => ({ id: rows[i].id, task: '', prompt: rows[i].prompt, ...o }));

/** Assessments of `data` by the analyzer with `train` as its history store. */
async function assessWith(train: AnswerRow[], data: AnswerRow[]) {
  const history: HistoryExample[] = toRows(train).map((r) => ({ prompt: r.prompt, scores: { small: r.small.score, medium: r.medium.score, large: r.large.score } }));
  const analyzer = await loadAnalyzer(history);
  try {
    const out: Assessment[] = [];
    for (const r of data) out.push(await analyzer.assess(r.prompt));
    return { assessments: out, version: analyzer.modelVersion };
  } finally {
    await analyzer.close();
  }
}

export async function promptOnlyBaseline(train: AnswerRow[], data: AnswerRow[], progress?: (msg: string) => void) {
  progress?.(`prompt-only baseline: assessing ${data.length} prompts`);
  const { assessments, version } = await assessWith(train, data);
  const res = runEval(toRows(data), assessments);
  return { analyzer: version, cost_at_95: res.cost_at_95, apgr: res.apgr, best_at_95: res.best_at_95 };
}

/** The same under K-fold cross-validation: each fold assessed with the other folds as history. */
export async function promptOnlyBaselineCv(rows: AnswerRow[], k: number, progress?: (msg: string) => void) {
  const assessments: Assessment[] = new Array(rows.length);
  let version = '';
  for (let f = 0; f < k; f++) {
    const inFold = rows.map((r) => foldOf(r.id, k) === f);
    progress?.(`prompt-only baseline: fold ${f + 1}/${k}`);
    const res = await assessWith(rows.filter((_, i) => !inFold[i]), rows.filter((_, i) => inFold[i]));
    version = res.version;
    let j = 0;
    rows.forEach((_, i) => {
      if (inFold[i]) assessments[i] = res.assessments[j++];
    });
  }
  const res = runEval(toRows(rows), assessments);
  return { analyzer: version, cost_at_95: res.cost_at_95, apgr: res.apgr, best_at_95: res.best_at_95 };
}
