// Bridge from the evaluator to the complexity analyzer: the evaluation uses exactly the
// analyzer the server uses, with the history split as its historical-pattern store when given.
import { createAnalyzer, MemoryHistoryStore, type Analyzer, type Outcome } from '../../complexity';

/** One prompt with known outcomes: the evaluator's view of a historical-pattern store entry. */
export interface HistoryExample {
  prompt: string;
  scores: { small: number; medium: number; large: number };
}

/** Scores are 0..1 (F1 partial credit in some files): a tier "succeeded" at 0.5 or more. */
export function toOutcomes(scores: HistoryExample['scores']): Outcome[] {
  return (['small', 'medium', 'large'] as const).map((tier) => ({ tier, success: scores[tier] >= 0.5 }));
}

export async function loadAnalyzer(history?: HistoryExample[], modelPath?: string): Promise<Analyzer & { close(): Promise<void> }> {
  const plain = await createAnalyzer(modelPath ? { modelPath } : {});
  if (!history || history.length === 0) return plain;
  // The store must embed with the same feature parameters the analyzer was trained with.
  const store = new MemoryHistoryStore(plain.featureParams);
  for (const h of history) store.add(h.prompt, toOutcomes(h.scores));
  // Fit the learned per-tier estimate now (the store would also schedule it), so assessments that
  // follow see the fitted model.
  store.fit();
  await plain.close();
  return createAnalyzer({ ...(modelPath ? { modelPath } : {}), history: store });
}
