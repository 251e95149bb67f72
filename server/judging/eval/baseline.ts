// The prompt-only router on the same items, for comparison: the server's analyzer (with the training
// items as its history store, as eval-routing does) and decide() across the threshold sweep. With
// two tiers the medium target is the small model, so the sweep chooses between the two.
import { loadAnalyzer, type HistoryExample } from '../../routing/eval/analyzer';
import { runEval, type EvalRow } from '../../routing/eval/run';
import { outcomeRows } from './run';
import type { AnswerRow } from './evidence';

export async function promptOnlyBaseline(train: AnswerRow[], data: AnswerRow[], progress?: (msg: string) => void) {
  const toRows = (rows: AnswerRow[]): EvalRow[] => outcomeRows(rows).map((o, i) => ({ id: rows[i].id, task: '', prompt: rows[i].prompt, ...o }));
  const history: HistoryExample[] = toRows(train).map((r) => ({ prompt: r.prompt, scores: { small: r.small.score, medium: r.medium.score, large: r.large.score } }));
  const analyzer = await loadAnalyzer(history);
  try {
    progress?.(`prompt-only baseline: assessing ${data.length} prompts`);
    const assessments = [];
    for (const r of data) assessments.push(await analyzer.assess(r.prompt));
    const res = runEval(toRows(data), assessments);
    return { analyzer: analyzer.modelVersion, cost_at_95: res.cost_at_95, apgr: res.apgr, best_at_95: res.best_at_95 };
  } finally {
    await analyzer.close();
  }
}
